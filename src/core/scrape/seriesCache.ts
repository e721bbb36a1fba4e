/**
 * A scrape's cost should follow what changed, and from one scrape to the next a
 * server's series rarely change: only their values do. This cache maps the text of a
 * sample line's series — `name{labels}`, exactly as written — to the name and label
 * set a full parse made of it, so the next scrape reads a known series with one scan
 * to its closing brace and one map lookup, and hands on the SAME labels object. That
 * stable identity is what lets the deriver and the store find their state per label
 * set without building a key string per sample (see SeriesKeyCache in model.ts).
 *
 * Only series text that parsed without a problem is kept, per exposition format (the
 * formats differ in what they accept); the text is a private copy, so the cache
 * never pins a body.
 */
import { Labels } from '../model';
import { ExpositionFormat } from './parser';

export interface CachedSeries {
  readonly name: string;
  readonly labels: Labels;
}

export class SeriesCache {
  private readonly map = new Map<string, CachedSeries>();
  private formatOf: ExpositionFormat | undefined;

  constructor(
    /** Past this many series the cache starts over (a label explosion must not grow it forever). */
    readonly maxEntries = 20_000,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** Called once per body: a body of the other format starts the cache over. */
  useFormat(format: ExpositionFormat): void {
    if (this.formatOf !== format) {
      this.map.clear();
      this.formatOf = format;
    }
  }

  get(seriesText: string): CachedSeries | undefined {
    return this.map.get(seriesText);
  }

  set(seriesText: string, series: CachedSeries): void {
    if (this.map.size >= this.maxEntries) {
      this.map.clear();
    }
    // A copy: a slice of the body would keep the whole body alive.
    this.map.set((' ' + seriesText).slice(1), series);
  }
}
