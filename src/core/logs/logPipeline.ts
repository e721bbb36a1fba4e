/**
 * The log pipeline: line streams in; ANSI stripped; multi-line stack traces joined;
 * each event parsed (JSON, logfmt, access, text); counted per level; errors grouped
 * by fingerprint; access lines summarised; the last N events kept for the live tail.
 * Every structure is bounded, so a chatty server cannot grow the editor's memory.
 */
import { Clock, TimerHandle } from '../clock';
import { Disposable, DisposableStore, Emitter, Event } from '../events';
import { AccessStats } from './accessStats';
import { stripAnsi } from './ansi';
import { ErrorGroup, ErrorGroupTracker, GroupEvent } from './errorGroups';
import { EventAssembler } from './eventAssembler';
import { KeptLines } from './keptLines';
import { LOG_LEVELS, LogLevel, levelRank } from './levels';
import { LineStream, LogLine } from './lineStream';
import { ParsedLine, parseLine } from './parseLine';
import { parseStackFrames, RawFrame } from './stackFrames';

export interface LogPipelineOptions {
  readonly clock: Clock;
  /** Events kept for the live tail (default 100,000). */
  readonly maxKeptLines?: number;
  /** Error groups kept (default 200). */
  readonly maxGroups?: number;
  /** A pending multi-line event is complete after this quiet time (default 100 ms). */
  readonly assembleQuietMs?: number;
  /** At most this many distinct sources get their own assembler (default 64). */
  readonly maxSources?: number;
}

export interface LogEvent {
  readonly timeMs: number;
  readonly level: LogLevel | undefined;
  readonly message: string;
  readonly text: string;
  readonly source: string;
  readonly parsed: ParsedLine;
  readonly frames: readonly RawFrame[];
  readonly group?: ErrorGroup;
}

/** Counter keys: the six levels plus `unknown` for lines without a level. */
export const LEVEL_KEYS = [...LOG_LEVELS, 'unknown'] as const;
export type LevelKey = (typeof LEVEL_KEYS)[number];

export class LogPipeline implements Disposable {
  readonly groups: ErrorGroupTracker;
  readonly access = new AccessStats();
  readonly kept: KeptLines;
  /** Events per level since the start (counters: rates come from their differences). */
  readonly levelCounts: Record<LevelKey, number> = { trace: 0, debug: 0, info: 0, warn: 0, error: 0, fatal: 0, unknown: 0 };
  /** Error events (level error/fatal, or carrying an error) since the start. */
  errorEvents = 0;
  firstEventMs = Infinity;
  lastEventMs = -Infinity;

  private readonly assemblers = new Map<string, EventAssembler>();
  private readonly eventEmitter = new Emitter<LogEvent>();
  readonly onEvent: Event<LogEvent> = this.eventEmitter.event;
  readonly onGroupEvent: Event<GroupEvent>;
  private flushTimer: TimerHandle | undefined;
  private readonly subscriptions = new DisposableStore();

  constructor(private readonly options: LogPipelineOptions) {
    this.groups = new ErrorGroupTracker(options.maxGroups ?? 200);
    this.onGroupEvent = this.groups.onGroupEvent;
    this.kept = new KeptLines(options.maxKeptLines ?? 100_000);
  }

  /** Reads every line of a stream until the returned Disposable is disposed. */
  attach(stream: LineStream): Disposable {
    const store = new DisposableStore();
    store.add(stream.onLine((l) => this.push(l)));
    if (stream.onRestart) store.add(stream.onRestart((r) => this.markRestart(r.timeMs)));
    return this.subscriptions.add(store);
  }

  /** One physical line in. */
  push(line: LogLine): void {
    let a = this.assemblers.get(line.source);
    if (!a) {
      if (this.assemblers.size >= (this.options.maxSources ?? 64)) {
        const [oldest, old] = this.assemblers.entries().next().value as [string, EventAssembler];
        old.flush();
        this.assemblers.delete(oldest);
      }
      const source = line.source;
      a = new EventAssembler((text) => this.ingest(text, source, this.currentReceivedMs));
      this.assemblers.set(source, a);
    }
    this.currentReceivedMs = line.receivedMs;
    a.push(stripAnsi(line.text));
    if (a.pending) this.scheduleFlush();
  }

  /** Convenience for tests and one-shot readers: many lines of one source. */
  pushLines(lines: Iterable<string>, source: string, receivedMs = this.options.clock.now()): void {
    for (const text of lines) this.push({ text, source, receivedMs });
  }

  /** Completes every pending multi-line event now. */
  flush(): void {
    if (this.flushTimer !== undefined) {
      this.options.clock.clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    for (const a of this.assemblers.values()) a.flush();
  }

  /** The producer restarted: groups seen again from now on are regressions. */
  markRestart(timeMs: number): void {
    this.flush();
    this.groups.markRestart(timeMs);
  }

  dispose(): void {
    if (this.flushTimer !== undefined) this.options.clock.clearTimeout(this.flushTimer);
    this.subscriptions.dispose();
    this.eventEmitter.dispose();
  }

  private currentReceivedMs = 0;

  private scheduleFlush(): void {
    // One timer per quiet period, not one per line: plain-text lines are all "pending".
    if (this.flushTimer !== undefined) return;
    this.flushTimer = this.options.clock.setTimeout(() => {
      this.flushTimer = undefined;
      for (const a of this.assemblers.values()) a.flush();
    }, this.options.assembleQuietMs ?? 100);
  }

  private ingest(text: string, source: string, receivedMs: number): void {
    const parsed = parseLine(text);
    // A time written in the line wins, unless it is implausible (a replayed old file
    // keeps its own times; a clock in another zone without offset does not move rates).
    const timeMs = parsed.timeMs ?? receivedMs;
    let level = parsed.level;
    if (level === undefined && parsed.error) level = 'error';
    this.levelCounts[level ?? 'unknown']++;
    this.firstEventMs = Math.min(this.firstEventMs, timeMs);
    this.lastEventMs = Math.max(this.lastEventMs, timeMs);
    if (parsed.access) this.access.add(parsed.access, timeMs);

    let frames: RawFrame[] = [];
    let group: ErrorGroup | undefined;
    const isError = parsed.error !== undefined || (level !== undefined && levelRank(level) >= levelRank('error') && parsed.access === undefined);
    if (isError) {
      this.errorEvents++;
      const type = parsed.error?.type ?? 'Error';
      const message = parsed.error?.message ?? parsed.message;
      frames = parsed.error?.stack ? parseStackFrames(parsed.error.stack) : [];
      group = this.groups.record({ timeMs, type, message, frames, text, source });
    }
    this.kept.add(timeMs, level, source, text, group?.id);
    this.eventEmitter.fire({ timeMs, level, message: parsed.message, text, source, parsed, frames, ...(group ? { group } : {}) });
  }
}
