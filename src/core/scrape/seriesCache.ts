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
import type { ExpositionFormat } from './parser';

export class SeriesCache {
  /**
   * A series by the hash of its text (seriesTextHash): its slot in `keys` and `labelSets`.
   * So a known series is found without slicing its text out of the body — a sliced
   * string is 40 bytes of garbage per sample line per scrape, 400 KB a scrape at
   * 10,000 series (issue 11). The first series of a hash has the slot; a second one
   * with the same hash (rare) is kept in `collided`, by its text.
   */
  private readonly slotOf = new Map<number, number>();
  private keys: string[] = [];
  private labelSets: Labels[] = [];
  private readonly collided = new Map<string, Labels>();
  /** HELP, TYPE and UNIT lines read before, by the hash of the whole line (see metaAt). */
  private readonly metaLines = new Map<number, MetaLine>();
  private formatOf: ExpositionFormat | undefined;

  constructor(
    /** Past this many series the cache starts over (a label explosion must not grow it forever). */
    readonly maxEntries = 20_000,
  ) {}

  get size(): number {
    return this.keys.length + this.collided.size;
  }

  /** Called once per body: a body of the other format starts the cache over. */
  useFormat(format: ExpositionFormat): void {
    if (this.formatOf !== format) {
      this.clear();
      this.formatOf = format;
    }
  }

  private clear(): void {
    this.metaLines.clear();
    this.slotOf.clear();
    this.keys = [];
    this.labelSets = [];
    this.collided.clear();
  }

  /** The labels of a series read before, by its text. */
  get(seriesText: string): Labels | undefined {
    return this.getAt(seriesText, 0, seriesText.length, seriesTextHash(seriesText, 0, seriesText.length));
  }

  /**
   * The labels of a series read before, by its text `text[start, end)` and that text's
   * seriesTextHash; allocates nothing unless another series has the same hash.
   */
  getAt(text: string, start: number, end: number, hash: number): Labels | undefined {
    const slot = this.slotOf.get(hash);
    if (slot === undefined) return undefined;
    const k = this.keys[slot]!;
    if (k.length === end - start && text.startsWith(k, start)) return this.labelSets[slot];
    return this.collided.size === 0 ? undefined : this.collided.get(text.slice(start, end));
  }

  /**
   * A metadata line read before — `# HELP name text`, `# TYPE …`, `# UNIT …`, the whole
   * line `text[start, end)` with its seriesTextHash — as the parse read it: so a family's
   * metadata, which rarely changes, costs a scrape no slice, copy or interning.
   */
  metaAt(text: string, start: number, end: number, hash: number): MetaLine | undefined {
    const m = this.metaLines.get(hash);
    return m !== undefined && m.line.length === end - start && text.startsWith(m.line, start) ? m : undefined;
  }

  setMeta(line: string, keyword: MetaLine['keyword'], name: string, rest: string, hash: number): void {
    if (this.metaLines.size >= MAX_META_LINES) this.metaLines.clear();
    if (!this.metaLines.has(hash)) this.metaLines.set(hash, { line: flatCopy(line), keyword, name, rest });
  }

  set(seriesText: string, labels: Labels, hash = seriesTextHash(seriesText, 0, seriesText.length)): void {
    if (this.size >= this.maxEntries) {
      this.clear();
    }
    const slot = this.slotOf.get(hash);
    if (slot !== undefined && this.keys[slot] === seriesText) {
      this.labelSets[slot] = labels;
      return;
    }
    // A copy: a slice of the body would keep the whole body alive.
    const key = flatCopy(seriesText);
    if (slot !== undefined) {
      this.collided.set(key, labels);
      return;
    }
    this.slotOf.set(hash, this.keys.length);
    this.keys.push(key);
    this.labelSets.push(labels);
  }
}

/** A metadata line as a parse read it: its keyword, the family name (interned) and the text after the name's separator (trimmed for TYPE and UNIT). */
export interface MetaLine {
  readonly line: string;
  readonly keyword: 'HELP' | 'TYPE' | 'UNIT';
  readonly name: string;
  readonly rest: string;
}

/** Metadata lines remembered at most (two or three a family). */
const MAX_META_LINES = 4096;

/** FNV-1a over the UTF-16 code units of `text[start, end)`, as an int32 (a small integer key for a Map). */
export function seriesTextHash(text: string, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * A string with `s`'s characters and nothing else: `(' ' + s).slice(1)` is a slice of a
 * one-longer copy (both kept); a JSON round trip gives one flat string, lone surrogates
 * included.
 */
function flatCopy(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}
