/** Key figures at the top: one tile per role the server provides, each with a sparkline. */
import * as l10n from '@vscode/l10n';
import { SeriesDto, TILE_ROLES, TileRole } from '../shared/protocol';
import { h, replaceChildren } from './dom';
import { formatValue } from '../core/units';
import { SeriesData } from './seriesData';
import { CssSize, drawSparkline } from './sparkline';
import { Palette } from './theme';

/** Read when the tiles are built, in the page's display language. */
const TITLES = (): Readonly<Record<TileRole, string>> => ({
  cpu: 'CPU',
  memory: l10n.t('Memory'),
  activeUsers: l10n.t('Active users'),
  messagesPerSecond: l10n.t('Messages/s'),
  latencyP95: l10n.t('Latency p95'),
  errorRate: l10n.t('Error rate'),
});

interface Tile {
  series: SeriesDto;
  value: HTMLElement;
  canvas: HTMLCanvasElement;
  color: string;
  size: CssSize;
}

export class TilesView {
  readonly element = h('section', { className: 'tiles', attrs: { 'aria-label': l10n.t('Key figures') } });
  private tiles: Tile[] = [];

  /** Rebuilds the tiles for the roles present in the catalogue (only those). */
  build(catalogue: readonly SeriesDto[], palette: Palette): void {
    const byRole = new Map<TileRole, SeriesDto>();
    for (const s of catalogue) {
      if (s.role && !byRole.has(s.role)) {
        byRole.set(s.role, s);
      }
    }
    this.tiles = [];
    const nodes: HTMLElement[] = [];
    TILE_ROLES.forEach((role, i) => {
      const series = byRole.get(role);
      if (!series) {
        return;
      }
      const value = h('div', { className: 'tile-value', text: '—' });
      const canvas = h('canvas', { className: 'sparkline', attrs: { 'aria-hidden': 'true' } });
      const color = palette.series[i % palette.series.length]!;
      this.tiles.push({ series, value, canvas, color, size: { width: 0, height: 0 } });
      nodes.push(
        h(
          'div',
          { className: 'tile', attrs: { role: 'group', 'aria-label': TITLES()[role], 'data-role': role, title: series.key } },
          h('div', { className: 'tile-title', text: TITLES()[role] }),
          value,
          canvas,
        ),
      );
    });
    replaceChildren(this.element, ...nodes);
    this.element.hidden = nodes.length === 0;
  }

  /** Measures the sparkline canvases; call after layout changes (build, resize). */
  measure(): void {
    for (const t of this.tiles) {
      t.size = { width: t.canvas.clientWidth, height: t.canvas.clientHeight };
    }
  }

  update(data: SeriesData): void {
    if (this.tiles.some((t) => t.size.width === 0)) {
      this.measure();
    }
    // Canvas first, text after: no layout read follows a DOM write within a tick.
    for (const t of this.tiles) {
      drawSparkline(t.canvas, data.column(t.series.key), t.color, t.size);
    }
    for (const t of this.tiles) {
      const text = formatValue(data.latest(t.series.key), t.series.unit);
      if (t.value.textContent !== text) {
        t.value.textContent = text;
      }
    }
  }
}
