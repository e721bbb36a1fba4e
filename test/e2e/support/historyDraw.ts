/**
 * How the reload check's hours of history are drawn from a few minutes of live ones
 * (historyHours.ts). Each tick takes its values from one live tick drawn at random, so
 * the series keep their values and how they go together, not a short loop of them —
 * except a series that counts up (a counter, or the process' uptime): drawn at random it
 * would go down hundreds of times, each one a restart or a counter reset to the analysis
 * (the report said "restarted 13 times" of a server that never restarted). Such a series
 * is drawn in order instead: its first live value, then one of its live steps drawn at
 * random each tick (a step down, a live reset, counts as no step), so it grows as it grew
 * live. A gauge that only happened to rise live (users joining) is still drawn at random:
 * drawn in order it would rise for hours.
 */
import { Metric, SeriesMeta } from '../../../src/core/model';
import { valueKind } from '../../../src/core/seriesKind';

/** A series the analysis reads as counting up: a counter, or the process' uptime. */
export function countsUp(name: string, meta?: SeriesMeta): boolean {
  return name === Metric.processUptimeSeconds || valueKind(name, meta) === 'counter';
}

export interface LiveValues {
  /** The series' finite live values, in order (at least one). */
  readonly values: readonly number[];
  readonly countsUp: boolean;
}

/** `ticks` rows of values, one column per series, drawn with `random` (uniform in [0, 1)). */
export function drawHistory(live: readonly LiveValues[], ticks: number, random: () => number): number[][] {
  const current = live.map((s) => s.values[0]!);
  const rows: number[][] = [];
  for (let k = 0; k < ticks; k++) {
    const r = random();
    rows.push(
      live.map((s, i) => {
        const v = s.values;
        if (!s.countsUp) return v[Math.floor(r * v.length)]!;
        if (k > 0 && v.length > 1) {
          // One of the v.length - 1 live steps, at the tick's one random draw.
          const j = Math.floor(r * (v.length - 1));
          current[i] = current[i]! + Math.max(0, v[j + 1]! - v[j]!);
        }
        return current[i]!;
      }),
    );
  }
  return rows;
}
