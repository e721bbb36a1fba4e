/**
 * A tile's sparkline: the last points of one series drawn straight onto a small
 * canvas. A full chart per tile would cost more than the tile is worth.
 */
import { Column } from './seriesData';

/** Points a sparkline shows (two minutes at the default 1 s tick). */
export const SPARKLINE_POINTS = 120;

/** CSS size of a sparkline canvas, measured once and on resize (not per draw: reading layout after DOM writes forces a reflow every tick). */
export interface CssSize {
  width: number;
  height: number;
}

export function drawSparkline(canvas: HTMLCanvasElement, column: Column | undefined, color: string, size: CssSize): void {
  const dpr = window.devicePixelRatio || 1;
  const cssWidth = size.width || 120;
  const cssHeight = size.height || 28;
  const w = Math.round(cssWidth * dpr);
  const ht = Math.round(cssHeight * dpr);
  if (canvas.width !== w || canvas.height !== ht) {
    canvas.width = w;
    canvas.height = ht;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) {
    return;
  }
  ctx.clearRect(0, 0, w, ht);
  if (!column || column.length === 0) {
    return;
  }
  const from = Math.max(0, column.length - SPARKLINE_POINTS);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = from; i < column.length; i++) {
    const v = column[i];
    if (v !== null && v !== undefined) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  if (min === Number.POSITIVE_INFINITY) {
    return;
  }
  // Start the scale at zero for non-negative data so small wiggles do not look dramatic.
  if (min > 0) {
    min = 0;
  }
  const span = max - min || 1;
  const pad = 2 * dpr;
  const stepX = (w - 2 * pad) / Math.max(1, SPARKLINE_POINTS - 1);
  const offset = SPARKLINE_POINTS - (column.length - from);
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5 * dpr;
  ctx.beginPath();
  let penDown = false;
  for (let i = from; i < column.length; i++) {
    const v = column[i];
    if (v === null || v === undefined) {
      penDown = false;
      continue;
    }
    const px = pad + (offset + i - from) * stepX;
    const py = ht - pad - ((v - min) / span) * (ht - 2 * pad);
    if (penDown) {
      ctx.lineTo(px, py);
    } else {
      ctx.moveTo(px, py);
      penDown = true;
    }
  }
  ctx.stroke();
}
