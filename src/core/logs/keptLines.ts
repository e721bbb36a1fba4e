/**
 * The last N log events, in a ring: the text, time, level and source of each. Memory
 * is bounded by the count and by a per-line cap on the text; the rest is typed arrays.
 */
import { LOG_LEVELS, LogLevel, levelRank } from './levels';

/** Text kept per event at most (the full event is in the file). */
export const MAX_KEPT_CHARS = 4096;

export interface KeptLine {
  /** Sequence number since the start: the live tail asks "after seq N". */
  readonly seq: number;
  readonly timeMs: number;
  readonly level: LogLevel | undefined;
  readonly source: string;
  readonly text: string;
  /** The error group the event went to, if any. */
  readonly groupId?: string;
}

export class KeptLines {
  private readonly texts: (string | undefined)[];
  private readonly groupIds: (string | undefined)[];
  private readonly timesMs: Float64Array;
  private readonly levels: Int8Array;
  private readonly sourceIdx: Uint16Array;
  private readonly sources: string[] = [];
  private readonly sourceIndex = new Map<string, number>();
  private next = 0;

  constructor(readonly capacity: number) {
    this.texts = new Array<string | undefined>(capacity).fill(undefined);
    this.groupIds = new Array<string | undefined>(capacity).fill(undefined);
    this.timesMs = new Float64Array(capacity);
    this.levels = new Int8Array(capacity);
    this.sourceIdx = new Uint16Array(capacity);
  }

  /** Total events ever added (the next event's seq). */
  get total(): number {
    return this.next;
  }

  get size(): number {
    return Math.min(this.next, this.capacity);
  }

  add(timeMs: number, level: LogLevel | undefined, source: string, text: string, groupId?: string): void {
    const i = this.next % this.capacity;
    // slice() of a long line would keep the whole parent string alive; copy the cut.
    this.texts[i] = text.length > MAX_KEPT_CHARS ? (' ' + text.slice(0, MAX_KEPT_CHARS)).slice(1) + '…' : text;
    this.groupIds[i] = groupId;
    this.timesMs[i] = timeMs;
    this.levels[i] = level ? levelRank(level) : -1;
    this.sourceIdx[i] = this.sourceId(source);
    this.next++;
  }

  /** Events with seq ≥ `fromSeq` still kept, oldest first, at most `limit`. */
  since(fromSeq: number, limit = Infinity): KeptLine[] {
    const first = Math.max(fromSeq, this.next - this.capacity, 0);
    const out: KeptLine[] = [];
    for (let seq = first; seq < this.next && out.length < limit; seq++) {
      out.push(this.at(seq));
    }
    return out;
  }

  /** The kept event with this seq (caller checks it is still kept). */
  at(seq: number): KeptLine {
    const i = seq % this.capacity;
    const lv = this.levels[i]!;
    const g = this.groupIds[i];
    return { seq, timeMs: this.timesMs[i]!, level: lv >= 0 ? LOG_LEVELS[lv] : undefined, source: this.sources[this.sourceIdx[i]!]!, text: this.texts[i]!, ...(g ? { groupId: g } : {}) };
  }

  private sourceId(source: string): number {
    let id = this.sourceIndex.get(source);
    if (id === undefined) {
      // Bounded: past 65535 distinct sources the last slot is reused (never happens in practice).
      id = Math.min(this.sources.length, 65535);
      this.sources[id] = source;
      this.sourceIndex.set(source, id);
    }
    return id;
  }
}
