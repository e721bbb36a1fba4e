/**
 * The page's copy of the chart data: one shared x array (seconds) and one y array
 * per series, exactly uPlot's layout, so charts take the arrays without copying.
 * Bounded: points older than the range, or beyond `maxPoints`, are dropped on
 * every append, so a page left open for hours holds a fixed amount.
 */
import { AppendColumnsDto, ColumnsDto } from '../shared/protocol';

export type Column = (number | null)[];

export class SeriesData {
  x: number[] = [];
  private readonly columns = new Map<string, Column>();

  get length(): number {
    return this.x.length;
  }

  keys(): string[] {
    return [...this.columns.keys()];
  }

  /** The y array of a series (same length as x), or undefined if not held. */
  column(key: string): Column | undefined {
    return this.columns.get(key);
  }

  /** Takes a full window: everything held before is dropped. */
  replace(c: ColumnsDto): void {
    this.x = c.x.slice();
    this.columns.clear();
    c.keys.forEach((k, i) => this.columns.set(k, (c.y[i] ?? []).slice()));
  }

  /**
   * Adds points after the last held. Series held but absent from `c` get nulls;
   * series in `c` not held yet get nulls for the earlier points. Points not after
   * the last held x are ignored (a duplicate send must not zig-zag the line).
   * Without keys, `c.y` holds the series held, in the order they were sent.
   */
  append(c: AppendColumnsDto): void {
    const lastX = this.x.length ? this.x[this.x.length - 1]! : Number.NEGATIVE_INFINITY;
    let start = 0;
    while (start < c.x.length && c.x[start]! <= lastX) {
      start++;
    }
    if (start >= c.x.length) {
      return;
    }
    const before = this.x.length;
    const added = c.x.length - start;
    for (let j = start; j < c.x.length; j++) {
      this.x.push(c.x[j]!);
    }
    const incoming = new Map<string, Column>();
    (c.keys ?? this.keys()).forEach((k, i) => incoming.set(k, c.y[i] ?? []));
    for (const [k, col] of incoming) {
      if (!this.columns.has(k)) {
        this.columns.set(k, new Array<number | null>(before).fill(null));
      }
      const held = this.columns.get(k)!;
      for (let j = start; j < c.x.length; j++) {
        held.push(col[j] ?? null);
      }
    }
    for (const [k, held] of this.columns) {
      if (!incoming.has(k)) {
        for (let j = 0; j < added; j++) {
          held.push(null);
        }
      }
    }
  }

  /**
   * Drops points with x < minX (seconds) and keeps at most `maxPoints`. Makes new
   * arrays rather than splicing: a chart not redrawn this tick still holds the old
   * ones, and its hover legend must keep reading the values it drew.
   */
  trim(minX: number | undefined, maxPoints: number): void {
    let drop = Math.max(0, this.x.length - maxPoints);
    if (minX !== undefined) {
      while (drop < this.x.length && this.x[drop]! < minX) {
        drop++;
      }
    }
    if (drop === 0) {
      return;
    }
    this.x = this.x.slice(drop);
    for (const [k, col] of this.columns) {
      this.columns.set(k, col.slice(drop));
    }
  }

  /** Latest non-null value of a series, looking back at most `lookback` points. */
  latest(key: string, lookback = 5): number | undefined {
    const col = this.columns.get(key);
    if (!col) {
      return undefined;
    }
    for (let i = col.length - 1; i >= Math.max(0, col.length - lookback); i--) {
      const v = col[i];
      if (v !== null && v !== undefined) {
        return v;
      }
    }
    return undefined;
  }
}
