import * as l10n from '@vscode/l10n';
import type { PrometheusVerdict } from '../scrape/promVerdict';
import type { Exemplar } from '../scrape/exemplars';
import { Clock, TimerHandle } from '../clock';
import { Disposable, Emitter, Event } from '../events';
import { Sample, Snapshot, SourceProblem, TargetState } from '../model';
import { SeriesStore, SourceSpan } from '../store/seriesStore';
import { settingId } from '../settings/settings';
import { TargetWatch } from './targetTracker';
import { SourceOutput, TickContext, TickSource } from './tickSource';

export interface CollectorOptions {
  readonly clock: Clock;
  readonly intervalMs: number;
  readonly store: SeriesStore;
  readonly tracker: TargetWatch;
  readonly sources: readonly TickSource[];
  /** A monotonic clock in ms for measuring how long a tick took (performance.now by default). */
  readonly monotonicMs?: () => number;
}

/** A sentence for the log when the target changes or a source starts/stops failing. */
export interface CollectorLogEvent {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
}

/**
 * One tick per interval on an injected clock. Ticks never overlap: when the
 * previous tick is still running at the next deadline, that tick is skipped and
 * counted rather than queued, so a slow source cannot pile up work in the
 * extension host. Each source fails alone. One snapshot event per tick.
 */
export class Collector implements Disposable {
  private readonly snapshotEmitter = new Emitter<Snapshot>();
  private readonly logEmitter = new Emitter<CollectorLogEvent>();
  readonly onSnapshot: Event<Snapshot> = this.snapshotEmitter.event;
  readonly onLog: Event<CollectorLogEvent> = this.logEmitter.event;

  private timer: TimerHandle | undefined;
  private running = false;
  private inFlight: Promise<void> | undefined;
  private tickNo = 0;
  private skipped = 0;
  private nextDueMs = 0;
  private lastSnapshot: Snapshot | undefined;
  private target: TargetState = { kind: 'unconfigured', message: l10n.t('Starting…') };
  /** Problem sentences seen last tick, by source, so the log says when one starts and stops. */
  private lastProblems = new Map<string, string>();
  private readonly monotonicMs: () => number;
  /** The samples arrays of the snapshots, used in turn: the latest and the one before stay true. */
  private readonly joined: [Sample[], Sample[]] = [[], []];

  constructor(private readonly opts: CollectorOptions) {
    this.monotonicMs = opts.monotonicMs ?? (() => performance.now());
  }

  get latest(): Snapshot | undefined {
    return this.lastSnapshot;
  }

  get targetState(): TargetState {
    return this.target;
  }

  get skippedTicks(): number {
    return this.skipped;
  }

  start(): void {
    if (this.running) {
      return;
    }
    this.running = true;
    this.nextDueMs = this.opts.clock.now();
    this.onTimer();
  }

  /** Stops scheduling; resolves when a tick in flight has finished. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) {
      this.opts.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    await this.inFlight;
  }

  /** Runs one tick now (used by start's schedule, by tests and the CLI). Skips if one is in flight. */
  tickNow(): Promise<void> {
    if (this.inFlight) {
      this.skipped++;
      return this.inFlight;
    }
    const p = this.runTick().finally(() => {
      this.inFlight = undefined;
    });
    this.inFlight = p;
    return p;
  }

  private onTimer(): void {
    this.timer = undefined;
    if (!this.running) {
      return;
    }
    void this.tickNow();
    // Schedule on a fixed grid so ticks do not drift; if we fell behind by more
    // than a whole interval (machine suspended, a very slow tick), skip ahead.
    const now = this.opts.clock.now();
    this.nextDueMs += this.opts.intervalMs;
    if (this.nextDueMs <= now) {
      const behind = Math.floor((now - this.nextDueMs) / this.opts.intervalMs) + 1;
      this.skipped += behind;
      this.nextDueMs += behind * this.opts.intervalMs;
    }
    this.timer = this.opts.clock.setTimeout(() => this.onTimer(), this.nextDueMs - now);
  }

  private async runTick(): Promise<void> {
    const t0 = this.monotonicMs();
    const nowMs = this.opts.clock.now();
    const tick = ++this.tickNo;
    /** Each source's samples, in the order they are stored; joined once every source answered. */
    const parts: SourceSamples[] = [];
    const problems: SourceProblem[] = [];

    if (tick === 1 && this.opts.tracker.prepare) {
      try {
        problems.push(...(await this.opts.tracker.prepare(this.opts.store, nowMs)));
      } catch (err) {
        problems.push({ source: 'target', message: l10n.t('Could not read the recent history: {0}', errorText(err)) });
      }
    }
    try {
      // The usual tick checks the known process without a promise (updateNow); a search waits.
      const update = this.opts.tracker.updateNow?.() ?? (await this.opts.tracker.update());
      this.target = update.state;
      parts.push({ source: 'target', samples: update.samples });
      if (update.problem) {
        problems.push(update.problem);
      }
      if (update.change) {
        this.logEmitter.fire({ level: update.state.kind === 'running' ? 'info' : 'warn', message: update.change });
      }
    } catch (err) {
      problems.push({ source: 'target', message: l10n.t('Could not look for the process to watch: {0}', errorText(err)) });
    }

    const ctx = { nowMs, target: this.target };
    let prometheusVerdict: PrometheusVerdict | undefined;
    const exemplars: Exemplar[] = [];
    const outcomes = await this.collectSources(ctx);
    for (let i = 0; i < outcomes.length; i++) {
      const source = this.opts.sources[i]!;
      const out = outcomes[i]!;
      if (out instanceof SourceFailure) {
        problems.push({ source: source.id, message: l10n.t('The {0} source failed: {1}', source.id, errorText(out.reason)) });
        continue;
      }
      parts.push({ source: source.id, samples: out.samples });
      problems.push(...out.problems);
      prometheusVerdict = out.prometheusVerdict ?? prometheusVerdict;
      if (out.exemplars) exemplars.push(...out.exemplars);
    }
    /** Which source wrote which samples: a source's series share one time column in the store. */
    const spans: SourceSpan[] = [];
    // Into the array of the tick before last (snapshot.samples reads true for two ticks): none made a tick.
    const samples = joinFinite(parts, spans, this.joined[tick % 2]);

    const refused = this.opts.store.append(nowMs, samples, spans);
    if (refused > 0) {
      problems.push({
        source: 'store',
        message: l10n.t(
          '{0} series were not stored: the monitor keeps at most {1} series. Lower the number of label values the server exposes, or raise {2}.',
          refused,
          this.opts.store.maxSeries,
          settingId('metrics.maxSeries'),
        ),
        setting: settingId('metrics.maxSeries'),
      });
    }
    if (this.opts.store.budgetCappedSeries > 0) {
      // One constant sentence (logged once): the count is in store_history_capped_series.
      const mib = Math.round(this.opts.store.budgetBytes / (1024 * 1024));
      problems.push({
        source: 'store-budget',
        message: l10n.t(
          "The history's memory budget ({0} MiB) is full: the server's own series keep their newest samples and drop their oldest first, so their charts and reports cover less than chatroomMonitor.history.minutes. Raise chatroomMonitor.history.memoryBudgetMb, or keep fewer series (chatroomMonitor.metrics.maxSeries).",
          mib,
        ),
        setting: 'chatroomMonitor.history.memoryBudgetMb',
      });
    }
    this.logProblemChanges(problems);

    const snapshot: Snapshot = {
      timeMs: nowMs,
      tick,
      target: this.target,
      samples,
      problems,
      durationMs: this.monotonicMs() - t0,
      skippedTicks: this.skipped,
      ...(prometheusVerdict ? { prometheusVerdict } : {}),
      ...(exemplars.length > 0 ? { exemplars } : {}),
    };
    this.lastSnapshot = snapshot;
    this.snapshotEmitter.fire(snapshot);
  }

  /**
   * Every source's output this tick, in the sources' order, each failure in its place.
   * Sources that answer now (collectNow) are read as they come; the others are started
   * in the same pass, so they run concurrently, and awaited after: usually the scrape
   * alone, awaited as it is, instead of a Promise.allSettled over every source and a
   * promise of each source's own.
   */
  private async collectSources(ctx: TickContext): Promise<(SourceOutput | SourceFailure)[]> {
    const sources = this.opts.sources;
    const outcomes: (SourceOutput | SourceFailure | Promise<SourceOutput>)[] = new Array(sources.length);
    let waiting = 0;
    let waitingAt = -1;
    for (let i = 0; i < sources.length; i++) {
      const source = sources[i]!;
      try {
        const now = source.collectNow?.(ctx);
        if (now !== undefined) {
          outcomes[i] = now;
        } else {
          outcomes[i] = source.collect(ctx);
          waiting++;
          waitingAt = i;
        }
      } catch (err) {
        outcomes[i] = new SourceFailure(err);
      }
    }
    if (waiting === 1) {
      // One promise is awaited as it is: nothing else can reject unhandled meanwhile.
      try {
        outcomes[waitingAt] = await outcomes[waitingAt]!;
      } catch (err) {
        outcomes[waitingAt] = new SourceFailure(err);
      }
    } else if (waiting > 1) {
      const settled = await Promise.allSettled(outcomes);
      for (let i = 0; i < settled.length; i++) {
        const r = settled[i]!;
        outcomes[i] = r.status === 'fulfilled' ? r.value : new SourceFailure(r.reason);
      }
    }
    return outcomes as (SourceOutput | SourceFailure)[];
  }

  /** Log a problem when it first appears or changes, and once when it clears. */
  private logProblemChanges(problems: readonly SourceProblem[]): void {
    const now = new Map<string, string>();
    for (const p of problems) {
      if (p.source === 'target') {
        continue; // the tracker logs target changes itself
      }
      now.set(p.source, p.message);
      if (this.lastProblems.get(p.source) !== p.message) {
        this.logEmitter.fire({ level: 'error', message: p.message });
      }
    }
    for (const [source] of this.lastProblems) {
      if (!now.has(source)) {
        this.logEmitter.fire({ level: 'info', message: l10n.t('The {0} source works again.', source) });
      }
    }
    this.lastProblems = now;
  }

  dispose(): void {
    void this.stop();
    for (const s of this.opts.sources) {
      s.dispose?.();
    }
    this.snapshotEmitter.dispose();
    this.logEmitter.dispose();
  }
}

/** A source's collect that threw or rejected, in its place among the tick's outputs. */
class SourceFailure {
  constructor(readonly reason: unknown) {}
}

export function errorText(err: unknown): string {
  if (err instanceof Error) {
    return err.message;
  }
  return String(err);
}

/** One source's samples in a tick. */
export interface SourceSamples {
  readonly source: string;
  readonly samples: readonly Sample[];
}

/**
 * The samples with a finite value (the store keeps no NaN of a failed read), every
 * source's in order, in one array made at its final length (`out`, reused when given);
 * `spans` gets where each source's end. Read by index: at 10,000 scraped series, pushing into a growing array
 * left ~365 KiB of garbage a tick, and a for-of in code not yet optimised one iterator
 * result per sample (~590 KiB a tick in the first ticks) — garbage that keeps V8's young
 * generation at its largest (issue 11, memory.watcher100k).
 */
export function joinFinite(parts: readonly SourceSamples[], spans: SourceSpan[], out: Sample[] = []): Sample[] {
  let n = 0;
  for (let p = 0; p < parts.length; p++) {
    const list = parts[p]!.samples;
    for (let k = 0; k < list.length; k++) {
      if (Number.isFinite(list[k]!.value)) n++;
    }
  }
  if (out.length !== n) out.length = n;
  let at = 0;
  for (let p = 0; p < parts.length; p++) {
    const list = parts[p]!.samples;
    for (let k = 0; k < list.length; k++) {
      const s = list[k]!;
      if (Number.isFinite(s.value)) out[at++] = s;
    }
    spans.push({ source: parts[p]!.source, end: at });
  }
  return out;
}
