/**
 * The logs side of the monitor: follows the configured files (paths or globs), reads any
 * other line stream it is given (a supervised server's stdout/stderr), feeds one
 * LogPipeline, and turns its counters into series each tick:
 * `log_lines_per_second{level}` and `log_errors_per_second`.
 */
import path from 'node:path';
import { Clock } from '../clock';
import { Disposable, DisposableStore, Emitter, Event } from '../events';
import { Metric, Sample } from '../model';
import { SourceOutput, TickSource } from '../collect/tickSource';
import { FollowerNote } from './fileFollower';
import { FrameMapper } from './frameMapper';
import { LineStream } from './lineStream';
import { LogFileSet } from './logFileSet';
import { buildLogsReport, LogsReport } from './logReport';
import { LEVEL_KEYS, LevelKey, LogPipeline } from './logPipeline';


export interface LogWatcherOptions {
  readonly clock: Clock;
  /** Paths or globs (`logs/*.log`), absolute or relative to `cwd`. */
  readonly files: readonly string[];
  /** Workspace folders, for "in the workspace" and relative paths. */
  readonly roots: readonly string[];
  /** The server's working directory (relative stack paths), default the first root. */
  readonly cwd?: string;
  readonly lookBackBytes?: number;
  readonly pollMs?: number;
  readonly maxKeptLines?: number;
  /** fs.watch as a wake-up (default true). */
  readonly watch?: boolean;
}

export class LogWatcher implements Disposable {
  readonly pipeline: LogPipeline;
  readonly mapper: FrameMapper;
  private readonly sets: LogFileSet[] = [];
  private readonly store = new DisposableStore();
  private readonly notes = new Map<string, FollowerNote>();
  private readonly noteEmitter = new Emitter<FollowerNote>();
  /** Sentences about the files (waiting, rotated, unreadable), for the log channel. */
  readonly onNote: Event<FollowerNote> = this.noteEmitter.event;

  constructor(private readonly options: LogWatcherOptions) {
    this.pipeline = this.store.add(new LogPipeline({ clock: options.clock, ...(options.maxKeptLines ? { maxKeptLines: options.maxKeptLines } : {}) }));
    this.mapper = new FrameMapper({ roots: options.roots, ...(options.cwd ? { cwd: options.cwd } : {}) });
    const base = options.cwd ?? options.roots[0] ?? process.cwd();
    for (const f of options.files) {
      const abs = path.resolve(base, f);
      const set = new LogFileSet(abs, {
        clock: options.clock,
        ...(options.lookBackBytes !== undefined ? { lookBackBytes: options.lookBackBytes } : {}),
        ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
        ...(options.watch !== undefined ? { watch: options.watch } : {}),
      });
      this.store.add(set.onNote((n) => {
        this.notes.set(n.path, n);
        this.noteEmitter.fire(n);
      }));
      this.store.add(this.pipeline.attach(set));
      this.sets.push(this.store.add(set));
    }
  }

  start(): void {
    for (const s of this.sets) s.start();
  }

  /** Reads another stream (a supervised server's output) until the result is disposed. */
  attach(stream: LineStream): Disposable {
    return this.pipeline.attach(stream);
  }

  /** Polls every file now (tests, and the CLI before its report). */
  poll(): void {
    for (const s of this.sets) s.poll();
    this.pipeline.flush();
  }

  /** The latest sentence per file that is not simply "following". */
  get fileNotes(): string[] {
    return [...this.notes.values()].filter((n) => n.kind !== 'opened').map((n) => n.message);
  }

  report(nowMs: number, base?: string, extraNotes: readonly string[] = []): LogsReport {
    return buildLogsReport(this.pipeline, this.mapper, nowMs, { ...(base ? { base } : {}), notes: [...this.fileNotes, ...extraNotes] });
  }

  /** A tick source for the collector: line and error rates from the counters' differences. */
  tickSource(): TickSource {
    let last: { ms: number; counts: Record<LevelKey, number>; errors: number } | undefined;
    return {
      id: 'logs',
      collect: (ctx): Promise<SourceOutput> => {
        const p = this.pipeline;
        p.flush();
        const now = { ms: ctx.nowMs, counts: { ...p.levelCounts }, errors: p.errorEvents };
        const samples: Sample[] = [];
        if (last && now.ms > last.ms) {
          const dt = (now.ms - last.ms) / 1000;
          for (const k of LEVEL_KEYS) samples.push({ name: Metric.logLinesPerSecond, labels: { level: k }, value: (now.counts[k] - last.counts[k]) / dt });
          samples.push({ name: Metric.logErrorsPerSecond, labels: {}, value: (now.errors - last.errors) / dt });
        }
        last = now;
        return Promise.resolve({ samples, problems: [] });
      },
    };
  }

  dispose(): void {
    this.store.dispose();
    this.noteEmitter.dispose();
  }
}
