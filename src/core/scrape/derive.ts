/**
 * Turns parsed metric families into the monitor's samples, scrape after scrape:
 * gauges as they are, counters as per-second rates, histograms as p50/p95/p99 over a
 * sliding window, summaries' quantiles renamed. Keeps the per-series state that needs
 * (previous values, bucket snapshots), bounded in count and forgotten when a series
 * stops appearing.
 */
import * as l10n from '@vscode/l10n';
import { Labels, Sample, SeriesMeta, cachedSeriesKey, isOwnMetric, seriesKey, seriesMeta } from '../model';
import { Exemplar, exemplarTraceId } from './exemplars';
import { histogramQuantile } from './histogramQuantile';
import { MetricFamily, ParsedExemplar, ParsedSample, parseFloatToken, SampleColumns, SampleRows } from './parser';

export interface DeriveOptions {
  /** Histogram quantiles, mean: computed over the bucket increases of this window (default 10 s). */
  histogramWindowMs?: number;
  /** State of a series not seen for this long is dropped (default 5 min). */
  forgetAfterMs?: number;
  /** Counter/histogram series tracked at most (default 10,000); more get no rate. */
  maxTrackedSeries?: number;
  /** Histogram quantiles to emit (default 0.5, 0.95, 0.99). */
  quantiles?: readonly number[];
}

export interface DeriveResult {
  /** An array and objects reused on the next-but-one derive (ReusedSamples): read or copy their values before then. */
  readonly samples: Sample[];
  /** Samples whose value was NaN or ±Inf: not a number to chart, so dropped. */
  readonly nonFiniteDropped: number;
  /** Samples dropped because the monitor measures a series of that name itself. */
  readonly ownDropped: number;
  /** One sentence per family that could not be derived (deduplicated). */
  readonly problems: string[];
  /** OpenMetrics exemplars on histogram buckets that name a trace, with the quantile series they belong with. */
  readonly exemplars: Exemplar[];
}

export const DEFAULT_HISTOGRAM_WINDOW_MS = 10_000;
export const DEFAULT_FORGET_AFTER_MS = 5 * 60_000;
export const DEFAULT_QUANTILES: readonly number[] = [0.5, 0.95, 0.99];
/** A rate the monitor derived from a counter: a gauge of its own (per second, by its name). */
const RATE_META = seriesMeta('gauge', '');
/** Snapshots kept per histogram at most, however short the scrape interval. */
const MAX_SNAPSHOTS = 64;

/** `foo_total` → `foo_per_second`; `foo` → `foo_per_second`. */
export function rateName(counterName: string): string {
  return (counterName.endsWith('_total') ? counterName.slice(0, -6) : counterName) + '_per_second';
}

/** `foo`, 0.95 → `foo_p95`; 0.999 → `foo_p99_9` (percent, with `_` for the decimal point). */
export function quantileName(base: string, q: number): string {
  const pct = Number((q * 100).toPrecision(12));
  return `${base}_p${String(pct).replace('.', '_')}`;
}

function withoutLabel(labels: Labels, drop: string): Labels {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels)) {
    if (k !== drop) {
      out[k] = labels[k]!;
    }
  }
  return out;
}

/**
 * A label set without one label (`le`, `quantile`), as ONE object per distinct result
 * and remembered per input labels object: every bucket of a histogram maps to the same
 * group labels, tick after tick, so the group's key is cached (cachedSeriesKey) and the
 * store sees a stable identity. Bounded: past `max` distinct results it starts over.
 */
class LabelsWithout {
  private readonly memo = new WeakMap<Labels, Labels>();
  private readonly canonical = new Map<string, Labels>();

  constructor(
    private readonly drop: string,
    private readonly max: number,
  ) {}

  of(labels: Labels): Labels {
    let out = this.memo.get(labels);
    if (out === undefined) {
      const fresh = withoutLabel(labels, this.drop);
      const key = seriesKey('', fresh);
      out = this.canonical.get(key);
      if (out === undefined) {
        if (this.canonical.size >= this.max) this.canonical.clear();
        out = fresh;
        this.canonical.set(key, out);
      }
      this.memo.set(labels, out);
    }
    return out;
  }
}

/** The names a family's samples and derived series use, built once per family name. */
interface FamilyNames {
  readonly bucket: string;
  readonly sum: string;
  readonly count: string;
  readonly gsum: string;
  readonly gcount: string;
  readonly mean: string;
  readonly perSecond: string;
  /** quantileName(family, q) for each configured quantile, in order. */
  readonly quantiles: readonly string[];
}

interface CounterState {
  value: number;
  timeMs: number;
  lastSeenMs: number;
}

interface Snapshot {
  readonly timeMs: number;
  /** Reset-adjusted running totals: increases between any two snapshots are differences. */
  readonly buckets: Float64Array;
  readonly sum: number;
  readonly count: number;
}

interface HistogramState {
  readonly bounds: Float64Array;
  /** The last raw values, to tell an increase from a counter reset. */
  raw: Float64Array;
  rawSum: number;
  rawCount: number;
  readonly snapshots: Snapshot[];
  lastSeenMs: number;
}

interface BucketGroup {
  readonly labels: Labels;
  readonly bounds: number[];
  readonly counts: number[];
  sum: number;
  count: number;
}

/** One delta of a counter, like Prometheus' rate(): a drop means a restart from 0. */
function increase(prev: number, now: number): number {
  return now >= prev ? now - prev : now;
}

/**
 * Per-series derivation state for one scrape target. Call `derive` once per scrape
 * with the scrape time from the injected clock; rates divide by that time, never by
 * a count of samples.
 */
export class ScrapeDeriver {
  private readonly windowMs: number;
  private readonly forgetAfterMs: number;
  private readonly maxTracked: number;
  private readonly quantiles: readonly number[];
  private readonly counters = new Map<string, CounterState>();
  private readonly histograms = new Map<string, HistogramState>();
  private readonly withoutLe: LabelsWithout;
  private readonly withoutQuantile: LabelsWithout;
  private readonly familyNames = new Map<string, FamilyNames>();
  private readonly rateNames = new Map<string, string>();
  /** Scratch for a histogram's bucket increases over the window (no allocation per tick). */
  private increases = new Float64Array(16);
  /** The output objects, reused on alternate scrapes (see ReusedSamples). */
  private readonly reused: ReusedSamples;
  /**
   * The output arrays, used on alternate scrapes like the objects in them: a scrape
   * writes over the array of the scrape before last, which already has room for as
   * many samples and for the four the scraper appends (`scrape_up` …), so no array is
   * made or grown per scrape (at 10,000 series a new array and its growth by the
   * scraper's push were ~200 KB of garbage a scrape: issue 11).
   */
  private readonly outputs: [Sample[], Sample[]] = [[], []];
  private derives = 0;
  /**
   * No tracked series was last seen before this (a lower bound of their lastSeenMs):
   * `forget` walks them only once its cutoff has passed it. Each derive lowers it to its
   * own time, at which it sees (or starts tracking) series; a walk raises it to the
   * oldest series left.
   */
  private seenBoundMs = Number.POSITIVE_INFINITY;
  /**
   * The latest DeriveRun, kept only so that one always lives: V8 holds the hidden class
   * of a class's instances only while some instance does. When every run had died
   * between scrapes, a full GC collected it and threw away every optimised function that
   * checks it (deriveCounter, emit…: "weak objects" in --trace-deopt), to be compiled
   * again (issue 20; parse found the same for the parser's per-scrape objects).
   */
  private lastRun: DeriveRun | undefined;

  constructor(opts: DeriveOptions = {}) {
    this.windowMs = positive(opts.histogramWindowMs, DEFAULT_HISTOGRAM_WINDOW_MS);
    this.forgetAfterMs = positive(opts.forgetAfterMs, DEFAULT_FORGET_AFTER_MS);
    this.maxTracked = positive(opts.maxTrackedSeries, 10_000);
    this.quantiles = (opts.quantiles ?? DEFAULT_QUANTILES).filter((q) => q >= 0 && q <= 1);
    this.withoutLe = new LabelsWithout('le', this.maxTracked * 2);
    this.withoutQuantile = new LabelsWithout('quantile', this.maxTracked * 2);
    // A series limit's worth of gauges plus the quantiles, means and rates of tracked series.
    this.reused = new ReusedSamples(this.maxTracked * 4);
  }

  private names(family: string): FamilyNames {
    let n = this.familyNames.get(family);
    if (n === undefined) {
      if (this.familyNames.size >= this.maxTracked) this.familyNames.clear();
      n = {
        bucket: family + '_bucket',
        sum: family + '_sum',
        count: family + '_count',
        gsum: family + '_gsum',
        gcount: family + '_gcount',
        mean: family + '_mean',
        perSecond: family + '_per_second',
        quantiles: this.quantiles.map((q) => quantileName(family, q)),
      };
      this.familyNames.set(family, n);
    }
    return n;
  }

  private rateNameOf(counter: string): string {
    let n = this.rateNames.get(counter);
    if (n === undefined) {
      if (this.rateNames.size >= this.maxTracked) this.rateNames.clear();
      n = rateName(counter);
      this.rateNames.set(counter, n);
    }
    return n;
  }

  /** Counter and histogram series currently remembered. */
  get trackedSeries(): number {
    return this.counters.size + this.histograms.size;
  }

  /** Forgets everything (a new target: its counters are not the old one's). */
  reset(): void {
    this.counters.clear();
    this.histograms.clear();
    this.seenBoundMs = Number.POSITIVE_INFINITY;
  }

  derive(families: readonly MetricFamily[], timeMs: number): DeriveResult {
    this.reused.nextScrape();
    if (timeMs < this.seenBoundMs) this.seenBoundMs = timeMs;
    const run = new DeriveRun(timeMs, this.reused, (this.derives++ & 1) === 0 ? this.outputs[0] : this.outputs[1]);
    this.lastRun = run;
    for (let k = 0; k < families.length; k++) {
      const f = families[k]!;
      switch (f.type) {
        case 'counter':
          this.deriveCounter(f, run);
          break;
        case 'histogram':
          this.deriveHistogram(f, run);
          break;
        case 'gaugehistogram':
          this.deriveGaugeHistogram(f, run);
          break;
        case 'summary':
          this.deriveSummary(f, run);
          break;
        default: {
          // gauge, untyped, unknown, info, stateset: a value to chart as it is, with its
          // declared TYPE and UNIT (a gauge named *_total stays a gauge).
          const meta = seriesMeta(f.type, f.unit);
          const rows = rowsOf(f);
          for (let i = 0; i < rows.length; i++) {
            run.emit(rows.name(i), rows.labels(i), rows.value(i), meta);
          }
        }
      }
    }
    this.forget(timeMs);
    if (run.untracked > 0) {
      run.problems.add(
        l10n.t('{0} counter or histogram series got no rate because {1} series are already tracked — the server exposes too many label values.', run.untracked, this.maxTracked),
      );
    }
    const samples = run.finish();
    return {
      samples,
      nonFiniteDropped: run.nonFinite,
      ownDropped: run.own,
      problems: [...run.problems],
      exemplars: run.exemplars,
    };
  }

  // ---- counters ----------------------------------------------------------------

  private deriveCounter(f: MetricFamily, run: DeriveRun): void {
    const rows = rowsOf(f);
    for (let i = 0; i < rows.length; i++) {
      const name = rows.name(i);
      this.rate(name, rows.labels(i), rows.value(i), this.rateNameOf(name), run);
    }
  }

  /** Emits `outName` = per-second increase of the series (stateName, labels) since the previous scrape. */
  private rate(stateName: string, labels: Labels, value: number, outName: string, run: DeriveRun): void {
    if (!Number.isFinite(value)) {
      run.nonFinite++;
      return;
    }
    const key = cachedSeriesKey(stateName, labels);
    const prev = this.counters.get(key);
    if (prev === undefined) {
      if (this.trackedSeries >= this.maxTracked) {
        run.untracked++;
        return;
      }
      this.counters.set(key, { value, timeMs: run.timeMs, lastSeenMs: run.timeMs });
      return; // first scrape of this series: no rate yet
    }
    prev.lastSeenMs = run.timeMs;
    const dtMs = run.timeMs - prev.timeMs;
    if (dtMs <= 0) {
      return; // the same instant twice: nothing to divide by
    }
    const perSecond = increase(prev.value, value) / (dtMs / 1000);
    prev.value = value;
    prev.timeMs = run.timeMs;
    run.emit(outName, labels, perSecond, RATE_META);
  }

  // ---- summaries -----------------------------------------------------------------

  private deriveSummary(f: MetricFamily, run: DeriveRun): void {
    const names = this.names(f.name);
    const meta = seriesMeta('gauge', f.unit);
    const rows = rowsOf(f);
    let saidBadQuantile = false; // one sentence a family: worded once, not per bad sample
    for (let i = 0; i < rows.length; i++) {
      const name = rows.name(i);
      const labels = rows.labels(i);
      if (name === f.name) {
        const qText = labels['quantile'];
        const q = qText === undefined ? undefined : parseFloatToken(qText);
        if (q === undefined || !(q >= 0 && q <= 1)) {
          if (!saidBadQuantile) {
            saidBadQuantile = true;
            run.problems.add(l10n.t('summary {0} has a sample without a quantile label between 0 and 1; it was skipped.', f.name));
          }
          continue;
        }
        const at = this.quantiles.indexOf(q);
        run.emit(at >= 0 ? names.quantiles[at]! : quantileName(f.name, q), this.withoutQuantile.of(labels), rows.value(i), meta);
      } else if (name === names.count) {
        this.rate(names.count, labels, rows.value(i), names.perSecond, run);
      }
      // _sum alone says nothing a chart needs.
    }
  }

  // ---- histograms ----------------------------------------------------------------

  /** Buckets grouped per label set without `le`, sorted by bound, equal bounds merged. */
  private groupBuckets(f: MetricFamily, run: DeriveRun, sumName: string, countName: string): Map<string, BucketGroup> {
    const bucketName = this.names(f.name).bucket;
    const groups = new Map<string, BucketGroup>();
    const group = (sampleLabels: Labels): BucketGroup => {
      // One labels object per group, whatever line it came from (see LabelsWithout).
      const labels = this.withoutLe.of(sampleLabels);
      const key = cachedSeriesKey(f.name, labels);
      let g = groups.get(key);
      if (!g) {
        g = { labels, bounds: [], counts: [], sum: NaN, count: NaN };
        groups.set(key, g);
      }
      return g;
    };
    const rows = rowsOf(f);
    let saidBadLe = false; // one sentence a family: worded once, not per bad bucket
    for (let i = 0; i < rows.length; i++) {
      const name = rows.name(i);
      const labels = rows.labels(i);
      if (name === bucketName) {
        const leText = labels['le'];
        const le = leText === undefined ? undefined : parseFloatToken(leText);
        if (le === undefined || Number.isNaN(le)) {
          if (!saidBadLe) {
            saidBadLe = true;
            run.problems.add(l10n.t('histogram {0} has a bucket without a numeric le label; it was skipped.', f.name));
          }
          continue;
        }
        const g = group(labels);
        g.bounds.push(le);
        g.counts.push(rows.value(i));
        const exemplar = rows.exemplar(i);
        if (exemplar !== undefined) this.exemplar(f.name, g.labels, exemplar, run);
      } else if (name === sumName) {
        group(labels).sum = rows.value(i);
      } else if (name === countName) {
        group(labels).count = rows.value(i);
      }
    }
    for (const g of groups.values()) {
      sortMerge(g);
      if (g.bounds.length > 0 && g.bounds[g.bounds.length - 1] !== Infinity) {
        run.problems.add(l10n.t('histogram {0} has no le="+Inf" bucket, so its quantiles cannot be computed.', f.name));
      }
    }
    return groups;
  }

  /** A bucket's exemplar that names a trace, placed with the quantile lines of its label set. */
  private exemplar(family: string, labels: Labels, e: ParsedExemplar, run: DeriveRun): void {
    const traceId = exemplarTraceId(e.labels);
    if (traceId === undefined || !Number.isFinite(e.value)) return;
    run.exemplars.push({
      histogram: family,
      seriesKeys: this.names(family).quantiles.map((q) => cachedSeriesKey(q, labels)),
      traceId,
      timeMs: e.timestampMs ?? run.timeMs,
      value: e.value,
    });
  }

  private deriveHistogram(f: MetricFamily, run: DeriveRun): void {
    const names = this.names(f.name);
    const meta = seriesMeta('gauge', f.unit);
    const groups = this.groupBuckets(f, run, names.sum, names.count);
    for (const [key, g] of groups) {
      const n = g.bounds.length;
      if (n === 0 || g.bounds[n - 1] !== Infinity) {
        continue;
      }
      if (!allFinite(g.counts)) {
        run.nonFinite++;
        continue;
      }
      // Without _count, the +Inf bucket is the count (they are equal by definition).
      const count = Number.isFinite(g.count) ? g.count : g.counts[n - 1]!;
      const sum = Number.isFinite(g.sum) ? g.sum : NaN;
      let st = this.histograms.get(key);
      if (st !== undefined && !sameBounds(st.bounds, g.bounds)) {
        st = undefined; // the exporter changed its buckets: start over
        this.histograms.delete(key);
      }
      if (st === undefined) {
        if (this.trackedSeries >= this.maxTracked) {
          run.untracked++;
          continue;
        }
        this.histograms.set(key, {
          bounds: Float64Array.from(g.bounds),
          raw: Float64Array.from(g.counts),
          rawSum: sum,
          rawCount: count,
          snapshots: [{ timeMs: run.timeMs, buckets: new Float64Array(n), sum: 0, count: 0 }],
          lastSeenMs: run.timeMs,
        });
        continue; // first scrape: no increase yet
      }
      st.lastSeenMs = run.timeMs;
      const last = st.snapshots[st.snapshots.length - 1]!;
      if (run.timeMs <= last.timeMs) {
        continue;
      }
      const snaps = st.snapshots;
      // Keep the snapshots inside the window, and always the previous one (a scrape
      // interval longer than the window still gives one interval's increase). A
      // snapshot leaving the window lends its storage to the new one.
      let spare: Float64Array | undefined;
      while (snaps.length > 1 && (snaps[0]!.timeMs < run.timeMs - this.windowMs || snaps.length >= MAX_SNAPSHOTS)) {
        spare = snaps.shift()!.buckets;
      }
      const buckets = spare ?? new Float64Array(n);
      const raw = st.raw;
      for (let i = 0; i < n; i++) {
        buckets[i] = last.buckets[i]! + increase(raw[i]!, g.counts[i]!);
        raw[i] = g.counts[i]!;
      }
      const snap: Snapshot = {
        timeMs: run.timeMs,
        buckets,
        sum: last.sum + (Number.isFinite(sum) && Number.isFinite(st.rawSum) ? increase(st.rawSum, sum) : 0),
        count: last.count + increase(st.rawCount, count),
      };
      st.rawSum = sum;
      st.rawCount = count;
      snaps.push(snap);
      const base = snaps[0]!;
      const prev = snaps[snaps.length - 2]!;
      if (this.increases.length < n) this.increases = new Float64Array(n * 2);
      const inc = this.increases;
      for (let i = 0; i < n; i++) {
        inc[i] = buckets[i]! - base.buckets[i]!;
      }
      for (let k = 0; k < this.quantiles.length; k++) {
        // Reads the first n (the bounds' length); made monotonic in place, the same for every quantile.
        const v = histogramQuantile(this.quantiles[k]!, st.bounds, inc, inc);
        if (!Number.isNaN(v)) {
          run.emit(names.quantiles[k]!, g.labels, v, meta);
        }
      }
      const countInc = snap.count - base.count;
      if (countInc > 0 && Number.isFinite(sum)) {
        run.emit(names.mean, g.labels, (snap.sum - base.sum) / countInc, meta);
      }
      run.emit(names.perSecond, g.labels, (snap.count - prev.count) / ((run.timeMs - prev.timeMs) / 1000), RATE_META);
    }
  }

  /** A gauge histogram is a current distribution, not a counter: quantiles straight from its buckets. */
  private deriveGaugeHistogram(f: MetricFamily, run: DeriveRun): void {
    const names = this.names(f.name);
    const meta = seriesMeta('gauge', f.unit);
    const groups = this.groupBuckets(f, run, names.gsum, names.gcount);
    for (const g of groups.values()) {
      const n = g.bounds.length;
      if (n === 0 || g.bounds[n - 1] !== Infinity) {
        continue;
      }
      for (let k = 0; k < this.quantiles.length; k++) {
        const v = histogramQuantile(this.quantiles[k]!, g.bounds, g.counts);
        if (!Number.isNaN(v)) {
          run.emit(names.quantiles[k]!, g.labels, v, meta);
        }
      }
      if (g.count > 0) {
        run.emit(names.mean, g.labels, g.sum / g.count, meta);
      }
    }
  }

  /**
   * Drops the state of series not seen for forgetAfterMs. While no series can be that
   * old (the cutoff is not past seenBoundMs) nothing is walked: with every series seen
   * every scrape that is one walk per forgetAfterMs (5 min), not one per scrape — at
   * 10,000 series a walk a tick, and at 1 Hz a loop V8 compiled at ~3 minutes, inside
   * extensionHost.cpuWarm's window (issue 20). It drops the same series at the same scrape.
   */
  private forget(nowMs: number): void {
    const cutoff = nowMs - this.forgetAfterMs;
    if (!(cutoff > this.seenBoundMs)) return;
    let oldest = Number.POSITIVE_INFINITY;
    for (const [k, s] of this.counters) {
      if (s.lastSeenMs < cutoff) {
        this.counters.delete(k);
      } else if (s.lastSeenMs < oldest) {
        oldest = s.lastSeenMs;
      }
    }
    for (const [k, s] of this.histograms) {
      if (s.lastSeenMs < cutoff) {
        this.histograms.delete(k);
      } else if (s.lastSeenMs < oldest) {
        oldest = s.lastSeenMs;
      }
    }
    this.seenBoundMs = oldest;
  }
}

/** The output of one derive call, and what was dropped on the way. */
class DeriveRun {
  readonly samples: Sample[];
  private count = 0;
  readonly problems = new Set<string>();
  readonly exemplars: Exemplar[] = [];
  nonFinite = 0;
  own = 0;
  untracked = 0;

  constructor(
    readonly timeMs: number,
    private readonly reused: ReusedSamples,
    /** The array to fill from its start (the one of the scrape before last); finish() cuts it to what was emitted. */
    out: Sample[],
  ) {
    this.samples = out;
  }

  emit(name: string, labels: Labels, value: number, meta: SeriesMeta): void {
    // Counted by additions every call makes, not in branches only a NaN or an own metric
    // takes: V8 optimises emit in the first minute, and a branch not yet taken then has no
    // type feedback, so the first NaN (a gauge's, a mean over no new observation) threw the
    // optimised code away, to be compiled again (issue 20).
    const finite = Number.isFinite(value);
    const own = finite && isOwnMetric(name);
    this.nonFinite += finite ? 0 : 1;
    this.own += own ? 1 : 0;
    if (!finite || own) return;
    this.samples[this.count++] = this.reused.sample(name, labels, value, meta);
  }

  /** The samples emitted, the array cut to them. */
  finish(): Sample[] {
    this.samples.length = this.count;
    return this.samples;
  }
}

/** A derived sample's object, which ReusedSamples writes a new value into. */
type MutableSample = { name: string; labels: Labels; value: number; meta: SeriesMeta };

/** The two objects of one derived series, used on alternate scrapes. */
interface SampleSlot {
  readonly even: MutableSample;
  readonly odd: MutableSample;
  /** The scrape that last used the slot: a series emitted twice in one scrape gets a fresh object the second time. */
  usedAt: number;
}

/**
 * The derived Sample objects, kept per series and reused: at 10,000 series a scrape
 * made 10,000 new objects (560 KB), garbage a tick later, and that garbage is what
 * keeps V8's young generation at its largest and pushes objects into the old one
 * (issue 11's memory bound). Each series has two objects, used on alternate scrapes,
 * so the samples of the latest scrape and of the one before stay as they were given
 * out; a scrape writes its values into the objects of the scrape before that. So a
 * ScrapeResult's samples hold their values until the next-but-one scrape: keep the
 * values, not the objects, beyond that (the store and the history log copy them).
 *
 * Bounded: a series not emitted for SWEEP_EVERY scrapes is let go, and past
 * `maxEntries` series the pool starts over.
 */
export class ReusedSamples {
  private readonly slots = new Map<string, SampleSlot>();
  private scrapeNo = 0;

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.slots.size;
  }

  /** Called once per scrape, before its samples. */
  nextScrape(): void {
    this.scrapeNo++;
    // Also at the second scrape, where it lets nothing go (every slot was used at scrape 1 or
    // 2, and 2 - SWEEP_EVERY < 1): the walk then has V8's type feedback when derive is
    // optimised, so the first real sweep (scrape 256, ~4 min at 1 Hz) does not throw the
    // optimised derive away (issue 20).
    if (this.scrapeNo % SWEEP_EVERY === 0 || this.scrapeNo === 2) {
      const stale = this.scrapeNo - SWEEP_EVERY;
      for (const [k, slot] of this.slots) {
        if (slot.usedAt <= stale) this.slots.delete(k);
      }
    }
  }

  sample(name: string, labels: Labels, value: number, meta: SeriesMeta): Sample {
    const key = cachedSeriesKey(name, labels);
    let slot = this.slots.get(key);
    if (slot === undefined || slot.usedAt === this.scrapeNo || slot.even.labels !== labels || slot.even.meta !== meta) {
      if (slot !== undefined && slot.usedAt === this.scrapeNo) {
        return { name, labels, value, meta }; // the same series twice in one scrape: the store keeps the first
      }
      if (this.slots.size >= this.maxEntries) this.slots.clear();
      slot = { even: { name, labels, value, meta }, odd: { name, labels, value, meta }, usedAt: this.scrapeNo };
      this.slots.set(key, slot);
    }
    slot.usedAt = this.scrapeNo;
    const s = (this.scrapeNo & 1) === 0 ? slot.even : slot.odd;
    s.value = value;
    return s;
  }
}

/** Scrapes after which a series' reused objects go when it was not emitted. */
const SWEEP_EVERY = 256;

/** parseExposition's ParsedSample objects, read as rows. */
class ObjectRows implements SampleRows {
  constructor(private readonly samples: readonly ParsedSample[]) {}

  get length(): number {
    return this.samples.length;
  }

  name(i: number): string {
    return this.samples[i]!.name;
  }

  labels(i: number): Labels {
    return this.samples[i]!.labels;
  }

  value(i: number): number {
    return this.samples[i]!.value;
  }

  exemplar(i: number): ParsedExemplar | undefined {
    return this.samples[i]!.exemplar;
  }
}

/** A family's samples, from its columns when the parse filled them (the scraper's path). */
function rowsOf(f: MetricFamily): SampleRows {
  return f.columns ?? (f.samples.length === 0 ? NO_ROWS : new ObjectRows(f.samples));
}

/**
 * A family without samples (a labelled metric nothing has observed yet; the parse gives
 * it no columns): read through the columns' class too, so the scraper's families reach
 * derive's loops as one class. Two made V8 compile both classes' reads into derive and
 * its callees, every first minute (issue 20).
 */
const NO_ROWS: SampleRows = new SampleColumns();

function positive(v: number | undefined, fallback: number): number {
  return typeof v === 'number' && v > 0 && Number.isFinite(v) ? v : fallback;
}

function allFinite(values: readonly number[]): boolean {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) return false;
  }
  return true;
}

function sameBounds(a: Float64Array, b: readonly number[]): boolean {
  if (a.length !== b.length) {
    return false;
  }
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      return false;
    }
  }
  return true;
}

/** Sorts buckets by bound and merges equal bounds (`le="1"` and `le="1.0"`), as Prometheus does. */
function sortMerge(g: BucketGroup): void {
  const n = g.bounds.length;
  let sorted = true;
  for (let i = 1; i < n; i++) {
    if (g.bounds[i]! <= g.bounds[i - 1]!) {
      sorted = false;
      break;
    }
  }
  if (sorted) {
    return;
  }
  const order = g.bounds.map((_, i) => i).sort((x, y) => g.bounds[x]! - g.bounds[y]!);
  const bounds: number[] = [];
  const counts: number[] = [];
  for (const i of order) {
    const b = g.bounds[i]!;
    if (bounds.length > 0 && bounds[bounds.length - 1] === b) {
      counts[counts.length - 1]! += g.counts[i]!;
    } else {
      bounds.push(b);
      counts.push(g.counts[i]!);
    }
  }
  g.bounds.length = 0;
  g.counts.length = 0;
  g.bounds.push(...bounds);
  g.counts.push(...counts);
}
