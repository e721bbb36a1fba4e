import { Labels, Metric, NO_LABELS, Sample, SeriesMeta, cachedSeriesKey, isOwnMetric, seriesKey } from '../model';
import { INITIAL_RING_SLOTS, RingSegment, SLOT_BYTES, TimeRing, ValueColumn } from './ringBuffer';
import { SeriesTiers, TierWindow, bucketOf } from './tiers';

/**
 * The budget's share the monitor's own series (process, machine, scrape health: what
 * the rules read) may reserve for their whole history; the server's scraped series
 * fill the rest, so they are the first to lose their oldest samples.
 */
const OWN_RESERVE_MAX_SHARE = 0.75;

/** The source of a tick appended without SourceSpans. */
const TICK_SOURCE = 'tick';

/**
 * The share of the budget left by the own series' reserve that the tiers (10 s and
 * 1 min aggregates) may take: a day of both for a hundred series is about 10 MiB; past
 * it a new series gets none and rings keep their newest buckets.
 */
const TIER_MAX_SHARE = 0.25;

/** The ring group of a source's own series (apart from its scraped ones: the budget treats them apart). */
function ownGroupOf(source: string): string {
  return `${source}\u0000own`;
}

/** The ring group of the store's own series (refused and capped counts). */
const STORE_GROUP = ownGroupOf('store');

/** Ticks between two passes that bring series back to their source's ring. */
const MERGE_EVERY = 60;

/** Whether the last `n` of `a` and of `b` are the same times. */
function sameTail(a: ArrayLike<number>, b: ArrayLike<number>, n: number): boolean {
  for (let i = 1; i <= n; i++) {
    if (a[a.length - i] !== b[b.length - i]) return false;
  }
  return true;
}

/** A label matcher as in PromQL: `=`, `!=`, `=~`, `!~` (regexes fully anchored). */
export interface LabelMatcher {
  readonly label: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

export interface SeriesInfo {
  readonly key: string;
  readonly name: string;
  readonly labels: Labels;
  /** The latest declared TYPE/UNIT of its family (scraped series), if any. */
  readonly meta?: SeriesMeta;
}

export interface LatestPoint {
  readonly timeMs: number;
  readonly value: number;
  /** True when the series missed the most recent tick: never show it as live. */
  readonly stale: boolean;
}

export interface SeriesWindow {
  readonly info: SeriesInfo;
  readonly times: Float64Array;
  readonly values: Float64Array;
}

interface Entry {
  info: SeriesInfo;
  column: ValueColumn;
  /** The source (and own/scraped) that last wrote it: its ring is that source's ('' until written live). */
  group: string;
  /** The tick this series was last written in. */
  lastTick: number;
  /** Its column in the tiers' stores (one a stored step), -1 when the budget gave it none. */
  tierCol: number;
}

/** Where one source's samples end in a tick's list (exclusive), so its series can share one time column. */
export interface SourceSpan {
  readonly source: string;
  readonly end: number;
}

/**
 * Per-series history in shared rings (TimeRing): the series a source writes in the same
 * ticks share one column of times, so a sample costs its value and a share of the
 * time (≤ 9 bytes with 8 or more series a source, where a ring per series cost 16).
 * The collector appends one tick at a time; a series not written in the latest tick
 * is stale, and one that misses a tick its ring writes moves to a ring of its own.
 * Series beyond `maxSeries` are refused (the caller is told how many), so a server
 * exposing a label explosion cannot exhaust the extension host's memory.
 */
export class SeriesStore {
  private readonly entries = new Map<string, Entry>();
  private readonly byName = new Map<string, Entry[]>();
  /** The ring each source's new series join (by source and own/scraped), while that source keeps writing it. */
  private readonly sourceRings = new Map<string, TimeRing>();
  /** Rings staged in the tick being written. */
  private staged: TimeRing[] = [];
  private tick = 0;
  private lastTimeMs = Number.NEGATIVE_INFINITY;

  /** Bytes of sample storage held by every ring together (never above budgetBytes). */
  private used = 0;
  private usedScraped = 0;
  private ownSeries = 0;
  private ownRings = 0;
  /** Series whose history the budget cut short, by key. */
  private readonly cappedKeys = new Set<string>();
  /**
   * Every series' 10 s and 1 min aggregates (tiers.ts), for the hours past its raw
   * samples: what long ranges read. A sample goes into them when it leaves the raw
   * history (its ring's oldest row, overwritten; or cut by the budget), so they do not
   * hold twice what the raw samples hold (issue 17: in a store whose raw samples held
   * all of its 10,000 ticks, the tiers were 4.0 B of its 12.4 B a sample); a read of a
   * tier makes the buckets of the raw samples after the stored ones. Their bytes come
   * out of the same budget.
   */
  readonly tiers = new SeriesTiers((bytes) => this.takeForTiers(bytes), undefined, undefined, undefined, (key) => this.entries.get(key)?.column);

  constructor(
    /** Samples kept per series at most. */
    readonly capacity: number,
    readonly maxSeries = 20_000,
    /** Sample storage never grows past this many bytes (chatroomMonitor.history.memoryBudgetMb). */
    readonly budgetBytes = Number.POSITIVE_INFINITY,
  ) {}

  /** Bytes of sample storage held now. */
  get usedBytes(): number {
    return this.used;
  }

  /** Series whose oldest samples were dropped early because the budget was full. */
  get budgetCappedSeries(): number {
    return this.cappedKeys.size;
  }

  /** Room kept for the own series' full history (their count is known from the first tick). */
  private ownReserve(): number {
    return Math.min(this.budgetBytes * OWN_RESERVE_MAX_SHARE, (this.ownSeries + this.ownRings) * this.capacity * SLOT_BYTES);
  }

  /** Bytes the budget still allows for own or scraped storage (tiers give way like scraped series). */
  private room(own: boolean): number {
    const free = this.budgetBytes - this.used - this.tiers.usedBytes;
    if (own) return free;
    return Math.min(free, this.budgetBytes - this.ownReserve() - this.usedScraped - this.tiers.usedBytes);
  }

  /** Tiers take at most a share of what the own series leave, so the raw samples keep most of it. */
  private takeForTiers(bytes: number): boolean {
    return this.tiers.usedBytes + bytes <= (this.budgetBytes - this.ownReserve()) * TIER_MAX_SHARE && bytes <= this.room(false);
  }

  private take(bytes: number, own: boolean): boolean {
    if (bytes > this.room(own)) return false;
    this.used += bytes;
    if (!own) this.usedScraped += bytes;
    return true;
  }

  private release(bytes: number, own: boolean): void {
    this.used -= bytes;
    if (!own) this.usedScraped -= bytes;
  }

  /** A new ring of `slots` rows with one column to come, or undefined when the budget cannot hold it. */
  private newRing(slots: number, own: boolean): TimeRing | undefined {
    if (!this.take(slots * SLOT_BYTES * 2, own)) return undefined;
    if (own) this.ownRings++;
    return new TimeRing(this.capacity, slots, own);
  }

  /** The column a new series gets: in its source's ring when that ring is written this tick, else in a new ring. */
  private newColumn(group: string, own: boolean): ValueColumn | undefined {
    const ring = this.sourceRings.get(group);
    if (ring && ring.stagedTick === this.tick && this.take(ring.slots * SLOT_BYTES, own)) {
      return ring.addColumn();
    }
    const fresh = this.newRing(Math.min(this.capacity, INITIAL_RING_SLOTS), own);
    if (!fresh) return undefined;
    this.sourceRings.set(group, fresh);
    return fresh.addColumn();
  }

  private addEntry(key: string, name: string, labels: Labels, meta: SeriesMeta | undefined, column: ValueColumn, lastTick: number): Entry {
    column.key = key;
    const info = meta ? { key, name, labels, meta } : { key, name, labels };
    const e: Entry = { info, column, group: '', lastTick, tierCol: this.tiers.columnOf(key, info, column.ring.own) ?? -1 };
    column.tierCol = e.tierCol;
    this.entries.set(key, e);
    const list = this.byName.get(name);
    if (list) {
      list.push(e);
    } else {
      this.byName.set(name, [e]);
    }
    if (column.ring.own) this.ownSeries++;
    if (column.ring.capped) this.cappedKeys.add(key);
    return e;
  }

  /** Sets a series' value for this tick's row and marks its ring as written. */
  private stage(e: Entry, timeMs: number, value: number, group: string): void {
    e.lastTick = this.tick;
    e.group = group;
    const c = e.column;
    c.next = value;
    const ring = c.ring;
    if (ring.stagedTick !== this.tick) {
      ring.stagedTick = this.tick;
      ring.stagedColumns = 0;
      this.staged.push(ring);
    }
    ring.stagedColumns++;
  }

  /** Writes the staged rings' rows: series that missed their ring's row leave it first. */
  private commit(timeMs: number): void {
    const staged = this.staged;
    this.staged = [];
    for (const ring of staged) {
      if (ring.stagedColumns < ring.columns.length) this.moveOutMissing(ring);
      this.makeRoom(ring);
      if (ring.full) this.toTiers(ring);
      ring.push(timeMs);
    }
  }

  /** The oldest row of a full ring, about to be overwritten, into its series' tiers. */
  private toTiers(ring: TimeRing): void {
    const rows = ring.length;
    const p = ring.physical(0);
    const t = ring.timeAtRow(0);
    for (const c of ring.columns) {
      if (c.tierCol < 0 || c.length !== rows) continue;
      this.tiers.add(c.tierCol, t, ring.valueAtPhysical(c, p));
    }
  }

  /** A column's oldest `n` samples into its tiers (they leave the raw history). */
  private samplesToTiers(c: ValueColumn, n: number): void {
    if (c.tierCol < 0) return;
    for (let i = 0; i < n; i++) this.tiers.add(c.tierCol, c.timeAt(i), c.valueAt(i));
  }

  /**
   * The series of `ring` not written this tick leave it, with their history: those of
   * one source together into one new ring (they missed the same tick, so their times
   * are the same rows), as many of their newest samples as the budget allows.
   */
  private moveOutMissing(ring: TimeRing): void {
    const leaving = new Map<string, Entry[]>();
    const cols = ring.columns;
    for (let i = cols.length - 1; i >= 0; i--) {
      const c = cols[i]!;
      const e = this.entries.get(c.key);
      if (!e || e.lastTick === this.tick) continue;
      const list = leaving.get(e.group);
      if (list) list.push(e);
      else leaving.set(e.group, [e]);
    }
    for (const list of leaving.values()) {
      let rows = 0;
      for (const e of list) {
        ring.removeColumn(e.column);
        this.release(ring.slots * SLOT_BYTES, ring.own);
        rows = Math.max(rows, e.column.length);
      }
      const perRow = SLOT_BYTES * (list.length + 1);
      const least = Math.min(this.capacity, INITIAL_RING_SLOTS);
      const slots = Math.max(least, Math.min(rows, Math.floor(this.room(ring.own) / perRow)));
      // Taken even when the budget is short by a few rows: the samples move, they do not arrive.
      this.used += slots * perRow;
      if (!ring.own) this.usedScraped += slots * perRow;
      if (ring.own) this.ownRings++;
      const moved = new TimeRing(this.capacity, slots, ring.own);
      const times = ring.tailTimes(Math.min(rows, slots));
      moved.fill(times, times.length);
      for (const e of list) {
        if (e.column.length > times.length) {
          this.cappedKeys.add(e.info.key);
          this.samplesToTiers(e.column, e.column.length - times.length);
        }
        e.column = moved.addColumnFrom(e.column);
      }
    }
  }

  /**
   * Brings series back to their source's ring (every MERGE_EVERY ticks): a series that
   * left its ring (it missed a tick), or came back from a restore, shares that ring's
   * times again once its own times are the ring's newest rows. A source whose ring is
   * no longer written takes the ring its series are in now.
   *
   * `append` calls it every tick and it returns at once on the other ticks, so the call
   * is on record in `append`'s type feedback from the first tick: behind an `if` first
   * taken at tick 60, the call had none when V8 optimised `append` (~30 ticks), and at
   * tick 60 the optimised `append` was thrown away and compiled again (issue 20:
   * 10–17 ms of compiling in extensionHost.cpu's first minutes). Too big to be inlined,
   * its loop stays out of `append`'s code.
   */
  private mergeIntoSourceRings(): void {
    if (this.tick % MERGE_EVERY !== 0) return;
    for (const e of this.entries.values()) {
      if (e.lastTick !== this.tick || e.group === '') continue;
      const ring = e.column.ring;
      const home = this.sourceRings.get(e.group);
      if (home === ring) continue;
      if (!home || home.stagedTick !== this.tick || home.own !== ring.own) {
        this.sourceRings.set(e.group, ring);
        continue;
      }
      if (ring.columns.length > home.columns.length || !home.holdsTimesOf(e.column)) continue;
      const freed = ring.slots * SLOT_BYTES * (ring.columns.length === 1 ? 2 : 1);
      this.release(freed, ring.own);
      if (!this.take(home.slots * SLOT_BYTES, ring.own)) {
        this.used += freed;
        if (!ring.own) this.usedScraped += freed;
        continue;
      }
      if (ring.columns.length === 1 && ring.own) this.ownRings--;
      ring.removeColumn(e.column);
      e.column = home.addColumnFrom(e.column);
      if (home.capped) this.cappedKeys.add(e.info.key);
    }
  }

  /** Grows a full ring before its next row, as far as the budget allows (all its columns at once). */
  private makeRoom(ring: TimeRing): void {
    if (!ring.full || ring.slots >= this.capacity) return;
    const perRow = SLOT_BYTES * (ring.columns.length + 1);
    let next = Math.min(this.capacity, ring.slots * 2);
    if ((next - ring.slots) * perRow > this.room(ring.own)) {
      next = ring.slots + Math.floor(Math.max(0, this.room(ring.own)) / perRow);
    }
    if (next > ring.slots && this.take((next - ring.slots) * perRow, ring.own)) {
      ring.grow(next);
      return;
    }
    if (!ring.capped) {
      ring.capped = true;
      for (const c of ring.columns) {
        this.cappedKeys.add(c.key);
      }
    }
  }

  /** Rings (time columns) holding the series: fewer rings, fewer bytes a sample. */
  get ringCount(): number {
    const rings = new Set<TimeRing>();
    for (const e of this.entries.values()) rings.add(e.column.ring);
    return rings.size;
  }

  get seriesCount(): number {
    return this.entries.size;
  }

  get latestTimeMs(): number {
    return this.lastTimeMs;
  }

  /**
   * Stores one tick's samples at `timeMs`. Non-finite values are kept as NaN gaps
   * only when finite ones exist around them; callers drop them before this.
   * `sources` says which source wrote which samples (the collector's order): the
   * series of one source share a time column. Without it the tick is one source.
   * Returns the number of samples refused because the series limit was reached.
   */
  append(timeMs: number, samples: readonly Sample[], sources?: readonly SourceSpan[]): number {
    this.tick++;
    this.lastTimeMs = timeMs;
    let refused = 0;
    this.span = 0;
    this.spanSource = sources?.[0]?.source ?? TICK_SOURCE;
    this.spanOwnGroup = ownGroupOf(this.spanSource);
    this.spanEnd = sources?.[0]?.end ?? samples.length;
    // The samples in order: the known series by stageKnown, each new one by stageNew.
    for (let k = this.stageKnown(timeMs, samples, sources, 0); k < samples.length; k = this.stageKnown(timeMs, samples, sources, k + 1)) {
      if (!this.stageNew(timeMs, samples[k]!)) refused++;
    }
    this.commit(timeMs);
    if (refused > 0 || this.everRefused) {
      // Said in a series of its own, so a report over any window can tell that series
      // were missing then (and that they no longer are). Never refused itself.
      this.everRefused = true;
      this.writeOwn(timeMs, Metric.storeSeriesRefused, refused);
    }
    if (this.cappedKeys.size > 0) {
      this.writeOwn(timeMs, Metric.storeHistoryCappedSeries, this.cappedKeys.size);
    }
    this.commit(timeMs);
    this.mergeIntoSourceRings();
    return refused;
  }

  // The span of append's `sources` that the sample being staged is in, and its source.
  private span = 0;
  private spanEnd = 0;
  private spanSource = TICK_SOURCE;
  private spanOwnGroup = ownGroupOf(TICK_SOURCE);

  /**
   * Stages samples from `from` on until one whose series the store does not hold yet;
   * returns its index (samples.length at the end). The loop V8 compiles: a new series'
   * path (stageNew) is not in it, so TurboFan does not inline the column and entry set-up
   * that every series takes once, on the first ticks, into the code of every tick
   * (issue 20). append itself runs once a tick and is not compiled.
   */
  private stageKnown(timeMs: number, samples: readonly Sample[], sources: readonly SourceSpan[] | undefined, from: number): number {
    for (let k = from; k < samples.length; k++) {
      while (k >= this.spanEnd && sources && this.span < sources.length) {
        const span = ++this.span;
        this.spanSource = sources[span]?.source ?? TICK_SOURCE;
        this.spanOwnGroup = ownGroupOf(this.spanSource);
        this.spanEnd = sources[span]?.end ?? samples.length;
      }
      const s = samples[k]!;
      // Scraped series keep their labels object from tick to tick: no key string per sample.
      const key = cachedSeriesKey(s.name, s.labels);
      const e = this.entries.get(key);
      if (!e) return k;
      if (e.lastTick === this.tick) {
        continue; // a duplicate series in one tick: the first value wins
      }
      if (s.meta !== undefined && s.meta !== e.info.meta) {
        // The last TYPE/UNIT declared wins, as in Prometheus (shared objects: rarely taken).
        e.info = { ...e.info, meta: s.meta };
        this.tiers.setInfo(key, e.info);
      }
      this.stage(e, timeMs, s.value, e.column.ring.own ? this.spanOwnGroup : this.spanSource);
    }
    return samples.length;
  }

  /** A sample of a series new to the store, in the span stageKnown stopped in: false when it is refused (the series limit, the budget). */
  private stageNew(timeMs: number, s: Sample): boolean {
    const own = isOwnMetric(s.name);
    const column = this.entries.size < this.maxSeries ? this.newColumn(own ? this.spanOwnGroup : this.spanSource, own) : undefined;
    if (!column) return false;
    const e = this.addEntry(cachedSeriesKey(s.name, s.labels), s.name, s.labels, s.meta, column, 0);
    this.stage(e, timeMs, s.value, e.column.ring.own ? this.spanOwnGroup : this.spanSource);
    return true;
  }

  /**
   * Fills an empty store with history (the restore after "Reload Window"): each
   * series' samples, in time order, go into a ring at once — one lookup a series,
   * not one a sample — and series with the same times share one ring, as they did
   * live. The series limit and the memory budget hold as for appends (a refused
   * series is skipped and counted). The newest time becomes the latest tick: the
   * series sampled then are live until the next append, the others stale.
   */
  load(series: readonly { readonly name: string; readonly labels: Labels; readonly meta?: SeriesMeta; readonly times: ArrayLike<number>; readonly values: ArrayLike<number> }[]): number {
    if (this.tick !== 0 || this.entries.size > 0) {
      throw new Error('history can only be loaded into an empty store');
    }
    let newest = Number.NEGATIVE_INFINITY;
    for (const h of series) {
      if (h.times.length > 0) {
        newest = Math.max(newest, h.times[h.times.length - 1]!);
      }
    }
    if (newest === Number.NEGATIVE_INFINITY) {
      return 0;
    }
    this.tick = 1;
    this.lastTimeMs = newest;
    let refused = 0;
    /** Rings by (own, kept samples, first and last time), with the times they were filled from. */
    const rings = new Map<string, { ring: TimeRing; times: ArrayLike<number> }[]>();
    for (const h of series) {
      const n = h.times.length;
      if (n === 0) {
        continue;
      }
      const key = cachedSeriesKey(h.name, h.labels);
      if (this.entries.has(key)) {
        continue; // the same series twice: the first wins, as in one tick
      }
      if (this.entries.size >= this.maxSeries) {
        refused++;
        continue;
      }
      const own = isOwnMetric(h.name);
      const kept = Math.min(n, this.capacity);
      const shape = `${own ? 1 : 0}:${kept}:${h.times[n - kept]}:${h.times[n - 1]}`;
      const candidates = rings.get(shape) ?? [];
      let column: ValueColumn | undefined;
      for (const c of candidates) {
        if (c.ring.slots === kept && sameTail(c.times, h.times, kept) && this.take(kept * SLOT_BYTES, own)) {
          column = c.ring.addColumnHolding(h.values);
          break;
        }
      }
      if (!column) {
        const fit = Math.floor(this.room(own) / (2 * SLOT_BYTES));
        const slots = Math.min(kept, fit);
        const ring = slots >= Math.min(kept, INITIAL_RING_SLOTS) ? this.newRing(slots, own) : undefined;
        if (!ring) {
          refused++;
          continue;
        }
        ring.fill(h.times, slots);
        column = ring.addColumnHolding(h.values);
        if (slots < kept) {
          ring.capped = true;
        } else {
          candidates.push({ ring, times: h.times });
          rings.set(shape, candidates);
        }
      }
      const e = this.addEntry(key, h.name, h.labels, h.meta, column, h.times[n - 1] === newest ? this.tick : 0);
      // The samples the raw history could not keep go to the tiers; the others are read raw.
      this.aggregateIntoTiers(e, h.times, h.values, n - column.length);
    }
    return refused;
  }

  /**
   * Puts tier buckets read from disk (call before `load`, into an empty store): the
   * buckets a series' raw samples then add to are only those after its newest one here.
   */
  loadTiers(stepMs: number, series: Iterable<{ readonly name: string; readonly labels: Labels; readonly meta?: SeriesMeta; readonly buckets: TierWindow }>): void {
    if (this.tick !== 0 || this.entries.size > 0) {
      throw new Error('tiers can only be loaded into an empty store');
    }
    const store = this.tiers.store(stepMs);
    if (!store) return;
    const list = [...series];
    // Room for every bucket read at once (the stores' ring is shared by the series).
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (const { buckets: w } of list) {
      if (w.times.length === 0) continue;
      first = Math.min(first, bucketOf(w.times[0]!, stepMs));
      last = Math.max(last, bucketOf(w.times[w.times.length - 1]!, stepMs));
    }
    if (last >= first) store.reserve(last - first + 1);
    for (const h of list) {
      const key = cachedSeriesKey(h.name, h.labels);
      const info = h.meta ? { key, name: h.name, labels: h.labels, meta: h.meta } : { key, name: h.name, labels: h.labels };
      const col = this.tiers.columnOf(key, info, isOwnMetric(h.name));
      if (col === undefined) continue;
      const w = h.buckets;
      for (let i = 0; i < w.times.length; i++) {
        store.putBucket(col, bucketOf(w.times[i]!, stepMs), w.min[i]!, w.max[i]!, w.sum[i]!, w.count[i]!, w.minFirst[i] === 1);
      }
    }
  }

  /** A restored series' samples before `end` into its tiers, after the buckets its tiers already hold (from disk). */
  private aggregateIntoTiers(e: Entry, times: ArrayLike<number>, values: ArrayLike<number>, end: number): void {
    if (e.tierCol < 0 || end <= 0) return;
    for (const ring of this.tiers.stores) {
      const held = ring.newestOf(e.tierCol);
      // The first sample in a bucket after the held ones (times ascend).
      const afterMs = held === held ? (held + 1) * ring.stepMs : Number.NEGATIVE_INFINITY;
      let lo = 0;
      let hi = end;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (times[mid]! < afterMs) lo = mid + 1;
        else hi = mid;
      }
      if (lo >= end) continue;
      // Room for the buckets held and those the samples add, at once.
      const held0 = ring.oldestBucket === ring.oldestBucket;
      const oldest = Math.min(held0 ? ring.oldestBucket : Infinity, bucketOf(times[lo]!, ring.stepMs));
      const newest = Math.max(held0 ? ring.newestBucket : -Infinity, bucketOf(times[end - 1]!, ring.stepMs));
      ring.reserve(newest - oldest + 1);
      ring.addRun(e.tierCol, times, values, lo, end);
    }
  }

  /**
   * A series' buckets of a stored tier (10 s or 1 min) in [fromMs, toMs]: for ranges
   * longer than the raw history, or wider than the pixels that draw them.
   */
  tierWindow(key: string, stepMs: number, fromMs: number, toMs = this.lastTimeMs): TierWindow | undefined {
    return this.tiers.window(key, stepMs, fromMs, toMs);
  }

  /** Whether any tick refused a series (then store_series_refused is written every tick). */
  private everRefused = false;

  private writeOwn(timeMs: number, name: string, value: number): void {
    const key = seriesKey(name, NO_LABELS);
    let e = this.entries.get(key);
    if (!e) {
      const column = this.newColumn(STORE_GROUP, true);
      if (!column) return;
      e = this.addEntry(key, name, NO_LABELS, undefined, column, 0);
    }
    if (e.lastTick !== this.tick) {
      this.stage(e, timeMs, value, STORE_GROUP);
    }
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  info(key: string): SeriesInfo | undefined {
    return this.entries.get(key)?.info;
  }

  /** Every series, in insertion order. */
  allSeries(): SeriesInfo[] {
    return [...this.entries.values()].map((e) => e.info);
  }

  /** Series with this name whose labels satisfy every matcher. */
  select(name: string, matchers: readonly LabelMatcher[] = []): SeriesInfo[] {
    const list = this.byName.get(name);
    if (!list) {
      return [];
    }
    if (matchers.length === 0) {
      return list.map((e) => e.info);
    }
    const compiled = matchers.map(compileMatcher);
    return list.filter((e) => compiled.every((m) => m(e.info.labels))).map((e) => e.info);
  }

  latest(key: string): LatestPoint | undefined {
    const e = this.entries.get(key);
    const n = e?.column.length ?? 0;
    if (!e || n === 0) {
      return undefined;
    }
    return { timeMs: e.column.timeAt(n - 1), value: e.column.valueAt(n - 1), stale: e.lastTick !== this.tick };
  }

  /** Latest value of a series without labels (the monitor's own series), if live. */
  latestValue(name: string, labels?: Labels): number | undefined {
    const p = this.latest(seriesKey(name, labels));
    return p && !p.stale ? p.value : undefined;
  }

  /** Samples with fromMs <= t <= toMs (toMs defaults to the latest tick). */
  window(key: string, fromMs: number, toMs = this.lastTimeMs): SeriesWindow | undefined {
    const e = this.entries.get(key);
    if (!e) {
      return undefined;
    }
    return { info: e.info, ...e.column.window(fromMs, toMs) };
  }

  /**
   * Samples with fromMs <= t <= toMs as zero-copy views of the ring (at most
   * two, see ValueColumn.segments): for readers of long windows that must not copy.
   * Read them before the next append; never keep them.
   */
  windowSegments(key: string, fromMs: number, toMs = this.lastTimeMs): RingSegment[] | undefined {
    return this.entries.get(key)?.column.segments(fromMs, toMs);
  }

  /** Number of samples a series holds. */
  length(key: string): number {
    return this.entries.get(key)?.column.length ?? 0;
  }

  /** Earliest timestamp held by any series (for "everything kept" windows). */
  earliestTimeMs(): number {
    let min = Number.POSITIVE_INFINITY;
    for (const e of this.entries.values()) {
      if (e.column.length > 0) {
        min = Math.min(min, e.column.timeAt(0));
      }
    }
    return min;
  }

  clear(): void {
    this.entries.clear();
    this.byName.clear();
    this.sourceRings.clear();
    this.staged = [];
    this.ownRings = 0;
    this.everRefused = false;
    this.used = 0;
    this.usedScraped = 0;
    this.ownSeries = 0;
    this.cappedKeys.clear();
    this.tiers.clear();
  }
}

export function compileMatcher(m: LabelMatcher): (labels: Labels) => boolean {
  switch (m.op) {
    case '=':
      return (l) => (l[m.label] ?? '') === m.value;
    case '!=':
      return (l) => (l[m.label] ?? '') !== m.value;
    case '=~': {
      const re = new RegExp(`^(?:${m.value})$`);
      return (l) => re.test(l[m.label] ?? '');
    }
    case '!~': {
      const re = new RegExp(`^(?:${m.value})$`);
      return (l) => !re.test(l[m.label] ?? '');
    }
  }
}
