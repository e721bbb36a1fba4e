/**
 * Error groups: every error event lands in the group of its fingerprint, which keeps a
 * count, first/last seen, a recent rate and one sample. A group seen for the first time
 * is "new"; a group that had gone quiet before a restart of the server and appears
 * again after it is a "regression". Memory is bounded: at most `maxGroups` groups
 * (the least recently seen is dropped), one sample each, fixed-size rate buckets.
 */
import { Emitter, Event } from '../events';
import { fingerprint } from './fingerprint';
import { RawFrame } from './stackFrames';

/** Width of one rate bucket, and how many are kept (sparkline of the last 5 min). */
export const GROUP_BUCKET_MS = 10_000;
export const GROUP_BUCKETS = 30;
const MAX_SAMPLE_CHARS = 8192;

export interface ErrorOccurrence {
  readonly timeMs: number;
  readonly type: string;
  readonly message: string;
  readonly frames: readonly RawFrame[];
  /** The whole event text (first line and stack), kept as the group's sample. */
  readonly text: string;
  readonly source: string;
}

export interface ErrorGroup {
  readonly id: string;
  readonly type: string;
  /** The message of the first occurrence, as written. */
  readonly message: string;
  readonly frames: readonly RawFrame[];
  count: number;
  firstSeenMs: number;
  lastSeenMs: number;
  /** The most recent occurrence's text (bounded). */
  sample: string;
  source: string;
  /** Counts per GROUP_BUCKET_MS bucket, oldest first, ending at the bucket of lastSeenMs. */
  readonly buckets: Uint32Array;
  bucketEndMs: number;
  /** Occurrences since the last restart. */
  countThisRun: number;
  /** Set when the group came back after a restart. */
  regressedAtMs?: number;
}

export interface GroupEvent {
  readonly group: ErrorGroup;
  readonly kind: 'new' | 'regression';
}

export class ErrorGroupTracker {
  private readonly groups = new Map<string, ErrorGroup>();
  private lastRestartMs = -Infinity;
  private readonly changed = new Emitter<GroupEvent>();
  /** A group seen for the first time, or back after a restart. */
  readonly onGroupEvent: Event<GroupEvent> = this.changed.event;

  constructor(private readonly maxGroups = 200) {}

  get size(): number {
    return this.groups.size;
  }

  /** The server restarted at this time: groups seen again after it are regressions. */
  markRestart(timeMs: number): void {
    this.lastRestartMs = timeMs;
    for (const g of this.groups.values()) g.countThisRun = 0;
  }

  record(o: ErrorOccurrence): ErrorGroup {
    const id = fingerprint(o.type, o.message, o.frames);
    let g = this.groups.get(id);
    let kind: GroupEvent['kind'] | undefined;
    if (!g) {
      if (this.groups.size >= this.maxGroups) this.evictOldest();
      g = {
        id,
        type: o.type,
        message: o.message.slice(0, 2000),
        frames: o.frames.slice(0, 20),
        count: 0,
        firstSeenMs: o.timeMs,
        lastSeenMs: o.timeMs,
        sample: '',
        source: o.source,
        buckets: new Uint32Array(GROUP_BUCKETS),
        bucketEndMs: bucketEnd(o.timeMs),
        countThisRun: 0,
      };
      this.groups.set(id, g);
      kind = 'new';
    } else if (g.lastSeenMs < this.lastRestartMs && g.countThisRun === 0) {
      g.regressedAtMs = o.timeMs;
      kind = 'regression';
    }
    g.count++;
    g.countThisRun++;
    g.lastSeenMs = Math.max(g.lastSeenMs, o.timeMs);
    g.sample = o.text.length > MAX_SAMPLE_CHARS ? o.text.slice(0, MAX_SAMPLE_CHARS) + '…' : o.text;
    g.source = o.source;
    addToBuckets(g, o.timeMs);
    // Keep the map in recency order so eviction drops the least recently seen.
    this.groups.delete(id);
    this.groups.set(id, g);
    if (kind) this.changed.fire({ group: g, kind });
    return g;
  }

  /** Every group, the most frequent first. */
  list(): ErrorGroup[] {
    return [...this.groups.values()].sort((a, b) => b.count - a.count || b.lastSeenMs - a.lastSeenMs);
  }

  get(id: string): ErrorGroup | undefined {
    return this.groups.get(id);
  }

  /** Occurrences per second over the last `windowMs` before `nowMs`. */
  rate(g: ErrorGroup, nowMs: number, windowMs = 60_000): number {
    return countSince(g, nowMs, windowMs) / (windowMs / 1000);
  }

  /** Per-bucket counts ending at `nowMs` (GROUP_BUCKETS values, oldest first), for a sparkline. */
  sparkline(g: ErrorGroup, nowMs: number): number[] {
    const out = new Array<number>(GROUP_BUCKETS).fill(0);
    const shift = Math.round((bucketEnd(nowMs) - g.bucketEndMs) / GROUP_BUCKET_MS);
    for (let i = 0; i < GROUP_BUCKETS; i++) {
      const j = i - shift;
      if (j >= 0 && j < GROUP_BUCKETS) out[j] = g.buckets[i]!;
    }
    return out;
  }

  /** Groups not seen for `quietMs` (their Problems entries are cleared). */
  quiet(nowMs: number, quietMs: number): ErrorGroup[] {
    return [...this.groups.values()].filter((g) => nowMs - g.lastSeenMs >= quietMs);
  }

  clear(): void {
    this.groups.clear();
  }

  private evictOldest(): void {
    const first = this.groups.keys().next();
    if (!first.done) this.groups.delete(first.value);
  }
}

function bucketEnd(timeMs: number): number {
  return Math.floor(timeMs / GROUP_BUCKET_MS) * GROUP_BUCKET_MS;
}

function addToBuckets(g: ErrorGroup, timeMs: number): void {
  const end = bucketEnd(timeMs);
  if (end > g.bucketEndMs) {
    const shift = Math.min(GROUP_BUCKETS, (end - g.bucketEndMs) / GROUP_BUCKET_MS);
    g.buckets.copyWithin(0, shift);
    g.buckets.fill(0, GROUP_BUCKETS - shift);
    g.bucketEndMs = end;
  }
  const idx = GROUP_BUCKETS - 1 - (g.bucketEndMs - end) / GROUP_BUCKET_MS;
  if (idx >= 0) g.buckets[idx]!++;
}

function countSince(g: ErrorGroup, nowMs: number, windowMs: number): number {
  let n = 0;
  const from = nowMs - windowMs;
  for (let i = 0; i < GROUP_BUCKETS; i++) {
    const start = g.bucketEndMs - (GROUP_BUCKETS - 1 - i) * GROUP_BUCKET_MS;
    if (start + GROUP_BUCKET_MS > from && start <= nowMs) n += g.buckets[i]!;
  }
  return n;
}
