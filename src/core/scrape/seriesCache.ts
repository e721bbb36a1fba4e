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
 *
 * An entry lives as long as its series (10,000 at the series limit), so it is the
 * labels object alone under one flat string: no wrapper object, and no slice of a
 * copy (a sliced string keeps its parent too) — issue 11's memory bound.
 */
import { Labels } from '../model';
import { ExpositionFormat } from './parser';

export class SeriesCache {
  private readonly map = new Map<string, Labels>();
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

  /** The labels of a series read before, by its text. */
  get(seriesText: string): Labels | undefined {
    return this.map.get(seriesText);
  }

  set(seriesText: string, labels: Labels): void {
    if (this.map.size >= this.maxEntries) {
      this.map.clear();
    }
    // A copy: a slice of the body would keep the whole body alive.
    this.map.set(flatCopy(seriesText), labels);
  }
}

/**
 * A string with `s`'s characters and nothing else: `(' ' + s).slice(1)` is a slice of a
 * one-longer copy (both kept); a JSON round trip gives one flat string, lone surrogates
 * included.
 */
function flatCopy(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}
