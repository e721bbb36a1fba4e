/**
 * The lines of one body as line mode (parser.ts' ExpositionMemo) keeps them: where
 * each line starts and ends, what it parsed to, whether the verdict found it fine,
 * and where each family's metadata starts. The memo has two: the previous body's and
 * the one being built, swapped when a body has been read.
 */
import { Labels, NO_LABELS } from '../model';
import type { ParsedExemplar } from './parser';

export const RECORD_NOTHING = 0;
export const RECORD_SAMPLE = 1;
export const RECORD_META = 2;

/** What one line of a body parsed to, applied again when the next body has the same line. */
export class LineRecord {
  constructor(
    readonly kind: number,
    /** The sample's name, or the family's name of a metadata line. */
    readonly name: string,
    readonly labels: Labels,
    readonly value: number,
    readonly timestampMs: number | undefined,
    readonly timestampRaw: string | undefined,
    readonly exemplar: ParsedExemplar | undefined,
    readonly keyword: 'HELP' | 'TYPE' | 'UNIT',
    readonly rest: string,
  ) {}
}

/** A blank line or a comment: nothing to apply. */
export const NOTHING_RECORD = new LineRecord(RECORD_NOTHING, '', NO_LABELS, 0, undefined, undefined, undefined, 'HELP', '');

export class LineTable {
  count = 0;
  starts = new Int32Array(64);
  /** Each line's end, before its newline. */
  ends = new Int32Array(64);
  /** What the line parsed to; undefined when it must be read again (it had a problem). */
  readonly records: (LineRecord | undefined)[] = [];
  /** 1 when Prometheus' verdict found the line fine where a line starts (and not the last of the body). */
  ok = new Uint8Array(64);
  /** A family's name → its first metadata line. */
  private readonly metaAt = new Map<string, number>();

  /** Empties the table; `dropRecords` lets go of what the lines parsed to as well. */
  clear(dropRecords: boolean): void {
    this.count = 0;
    this.metaAt.clear();
    if (dropRecords) this.records.length = 0;
  }

  /** Lets go of the records past this many lines (a spare table must not keep a longer body's). */
  dropRecordsFrom(n: number): void {
    if (this.records.length > n) this.records.length = n;
  }

  addLine(start: number, end: number, record: LineRecord | undefined, ok: number): void {
    const n = this.count;
    if (n === this.starts.length) {
      this.starts = grownInt32(this.starts);
      this.ends = grownInt32(this.ends);
      const o = new Uint8Array(n * 2);
      o.set(this.ok);
      this.ok = o;
    }
    this.starts[n] = start;
    this.ends[n] = end;
    this.records[n] = record;
    this.ok[n] = ok;
    this.count = n + 1;
    if (record !== undefined && record.kind === RECORD_META && !this.metaAt.has(record.name)) {
      this.metaAt.set(record.name, n);
    }
  }

  /** Sets `ok` on the lines that start at one of `okAt[0, okCount)` (sorted, as the verdict met them). */
  markOk(okAt: Int32Array, okCount: number): void {
    const n = this.count;
    const starts = this.starts;
    const ok = this.ok;
    for (let i = 0, k = 0; i < n && k < okCount; i++) {
      const s = starts[i]!;
      while (k < okCount && okAt[k]! < s) k++;
      if (k < okCount && okAt[k] === s) ok[i] = 1;
    }
  }

  /** For a metadata line's record, this table's first metadata line of its family; otherwise -1. */
  metaLineOf(record: LineRecord | undefined): number {
    // Every read done whatever the kind, so each has V8's feedback from the first body on.
    const kind = record === undefined ? RECORD_NOTHING : record.kind;
    const at = this.metaAt.get(record === undefined ? '' : record.name);
    return kind === RECORD_META && at !== undefined ? at : -1;
  }
}

/** A copy of `a` twice as long. */
export function grownInt32(a: Int32Array): Int32Array<ArrayBuffer> {
  const g = new Int32Array(a.length * 2);
  g.set(a);
  return g;
}
