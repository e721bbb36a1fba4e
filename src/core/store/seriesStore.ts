import { Labels, Metric, NO_LABELS, Sample, SeriesMeta, cachedSeriesKey, isOwnMetric, seriesKey } from '../model';
import { INITIAL_RING_SLOTS, RingBuffer, RingSegment } from './ringBuffer';

/**
 * The budget's share the monitor's own series (process, machine, scrape health: what
 * the rules read) may reserve for their whole history; the server's scraped series
 * fill the rest, so they are the first to lose their oldest samples.
 */
const OWN_RESERVE_MAX_SHARE = 0.75;

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
  readonly ring: RingBuffer;
  /** The tick number this series was last written in. */
  lastTick: number;
}

/**
 * Per-series ring buffers. The collector appends one tick at a time; a series not
 * written in the latest tick is stale. Series beyond `maxSeries` are refused (the
 * caller is told how many), so a server exposing a label explosion cannot exhaust
 * the extension host's memory.
 */
export class SeriesStore {
  private readonly entries = new Map<string, Entry>();
  private readonly byName = new Map<string, Entry[]>();
  private tick = 0;
  private lastTimeMs = Number.NEGATIVE_INFINITY;

  /** Bytes of sample storage held by every ring together (never above budgetBytes). */
  private used = 0;
  private usedScraped = 0;
  /** Series whose history the budget cut short, by key. */
  private readonly cappedKeys = new Set<string>();

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

  /** A ring for a new series, or undefined when the budget cannot hold even its first storage. */
  private newRing(key: string, name: string): RingBuffer | undefined {
    const own = isOwnMetric(name);
    const first = Math.min(this.capacity, INITIAL_RING_SLOTS) * 16;
    if (!this.fits(first, own)) return undefined;
    this.take(first, own);
    if (own) this.ownSeries++;
    return new RingBuffer(this.capacity, (bytes) => {
      if (this.fits(bytes, own)) {
        this.take(bytes, own);
        return true;
      }
      this.cappedKeys.add(key);
      return false;
    });
  }

  private fits(bytes: number, own: boolean): boolean {
    if (this.used + bytes > this.budgetBytes) return false;
    if (own) return true;
    // Room kept for the own series' full history (their count is known from the first tick).
    const reserve = Math.min(this.budgetBytes * OWN_RESERVE_MAX_SHARE, this.ownSeries * this.capacity * 16);
    return this.usedScraped + bytes <= this.budgetBytes - reserve;
  }

  private take(bytes: number, own: boolean): void {
    this.used += bytes;
    if (!own) this.usedScraped += bytes;
  }

  private ownSeries = 0;

  get seriesCount(): number {
    return this.entries.size;
  }

  get latestTimeMs(): number {
    return this.lastTimeMs;
  }

  /**
   * Stores one tick's samples at `timeMs`. Non-finite values are kept as NaN gaps
   * only when finite ones exist around them; callers drop them before this.
   * Returns the number of samples refused because the series limit was reached.
   */
  append(timeMs: number, samples: readonly Sample[]): number {
    this.tick++;
    this.lastTimeMs = timeMs;
    let refused = 0;
    for (const s of samples) {
      // Scraped series keep their labels object from tick to tick: no key string per sample.
      const key = cachedSeriesKey(s.name, s.labels);
      let e = this.entries.get(key);
      if (!e) {
        const ring = this.entries.size < this.maxSeries ? this.newRing(key, s.name) : undefined;
        if (!ring) {
          refused++;
          continue;
        }
        e = { info: s.meta ? { key, name: s.name, labels: s.labels, meta: s.meta } : { key, name: s.name, labels: s.labels }, ring, lastTick: 0 };
        this.entries.set(key, e);
        const list = this.byName.get(s.name);
        if (list) {
          list.push(e);
        } else {
          this.byName.set(s.name, [e]);
        }
      }
      if (e.lastTick === this.tick) {
        continue; // a duplicate series in one tick: the first value wins
      }
      if (s.meta !== undefined && s.meta !== e.info.meta) {
        // The last TYPE/UNIT declared wins, as in Prometheus (shared objects: rarely taken).
        e.info = { ...e.info, meta: s.meta };
      }
      e.ring.push(timeMs, s.value);
      e.lastTick = this.tick;
    }
    if (refused > 0 || this.everRefused) {
      // Said in a series of its own, so a report over any window can tell that series
      // were missing then (and that they no longer are). Never refused itself.
      this.everRefused = true;
      this.writeOwn(Metric.storeSeriesRefused, timeMs, refused);
    }
    if (this.cappedKeys.size > 0) {
      this.writeOwn(Metric.storeHistoryCappedSeries, timeMs, this.cappedKeys.size);
    }
    return refused;
  }

  /**
   * Fills an empty store with history (the restore after "Reload Window"): each
   * series' samples, in time order, go into its ring at once — one lookup a series,
   * not one a sample. The series limit and the memory budget hold as for appends
   * (a refused series is skipped and counted). The newest time becomes the latest
   * tick: the series sampled then are live until the next append, the others stale.
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
    for (const h of series) {
      const n = h.times.length;
      if (n === 0) {
        continue;
      }
      const key = cachedSeriesKey(h.name, h.labels);
      if (this.entries.has(key)) {
        continue; // the same series twice: the first wins, as in one tick
      }
      const ring = this.entries.size < this.maxSeries ? this.newRing(key, h.name) : undefined;
      if (!ring) {
        refused++;
        continue;
      }
      const from = Math.max(0, n - this.capacity);
      ring.reserve(n - from);
      for (let i = from; i < n; i++) {
        ring.push(h.times[i]!, h.values[i]!);
      }
      const info: SeriesInfo = h.meta ? { key, name: h.name, labels: h.labels, meta: h.meta } : { key, name: h.name, labels: h.labels };
      const e: Entry = { info, ring, lastTick: h.times[n - 1] === newest ? this.tick : 0 };
      this.entries.set(key, e);
      const list = this.byName.get(h.name);
      if (list) {
        list.push(e);
      } else {
        this.byName.set(h.name, [e]);
      }
    }
    return refused;
  }

  /** Whether any tick refused a series (then store_series_refused is written every tick). */
  private everRefused = false;

  private writeOwn(name: string, timeMs: number, value: number): void {
    const key = seriesKey(name, NO_LABELS);
    let e = this.entries.get(key);
    if (!e) {
      const ring = this.newRing(key, name);
      if (!ring) return;
      e = { info: { key, name, labels: NO_LABELS }, ring, lastTick: 0 };
      this.entries.set(key, e);
      this.byName.set(name, [e]);
    }
    if (e.lastTick !== this.tick) {
      e.ring.push(timeMs, value);
      e.lastTick = this.tick;
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
    if (!e || e.ring.length === 0) {
      return undefined;
    }
    const i = e.ring.length - 1;
    return { timeMs: e.ring.timeAt(i), value: e.ring.valueAt(i), stale: e.lastTick !== this.tick };
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
    return { info: e.info, ...e.ring.window(fromMs, toMs) };
  }

  /**
   * Samples with fromMs <= t <= toMs as zero-copy views of the ring buffer (at most
   * two, see RingBuffer.segments): for readers of long windows that must not copy.
   * Read them before the next append; never keep them.
   */
  windowSegments(key: string, fromMs: number, toMs = this.lastTimeMs): RingSegment[] | undefined {
    return this.entries.get(key)?.ring.segments(fromMs, toMs);
  }

  /** Number of samples a series holds. */
  length(key: string): number {
    return this.entries.get(key)?.ring.length ?? 0;
  }

  /** Earliest timestamp held by any series (for "everything kept" windows). */
  earliestTimeMs(): number {
    let min = Number.POSITIVE_INFINITY;
    for (const e of this.entries.values()) {
      if (e.ring.length > 0) {
        min = Math.min(min, e.ring.timeAt(0));
      }
    }
    return min;
  }

  clear(): void {
    this.entries.clear();
    this.byName.clear();
    this.everRefused = false;
    this.used = 0;
    this.usedScraped = 0;
    this.ownSeries = 0;
    this.cappedKeys.clear();
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
