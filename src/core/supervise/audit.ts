/**
 * The audit log: every operation — the user's or an automatic one — as one JSON line,
 * appended and fsync'd before the operation is reported done, so a crash of the
 * editor right after an automatic restart still leaves its record. The file is
 * bounded: past `maxBytes` it is renamed to `<file>.1` (replacing the older one) and
 * a new file is started, so at most two generations (≤ 2 × maxBytes) are kept.
 */
import * as l10n from '@vscode/l10n';
import fs from 'node:fs';
import path from 'node:path';
import { Clock } from '../clock';
import { Disposable, Emitter, Event } from '../events';
import { LaunchSpec } from './launcher';

/** Who or what asked for an operation. */
export interface AuditTrigger {
  readonly kind: 'user' | 'rule' | 'supervisor' | 'cli';
  /** The rule whose alert fired (kind `rule`). */
  readonly ruleId?: string;
  readonly alertId?: string;
  /** The alert's title when it fired (server text: show through the inert-text module). */
  readonly alert?: string;
  /** The values the decision was made on: `{ value, threshold, metric, … }`. */
  readonly evidence?: Readonly<Record<string, number | string>>;
}

/** How to revert an operation (see {@link AuditEntry.undo}). */
export type UndoRecord =
  /** Set the worker count back to `workers` and restart. */
  | { readonly kind: 'scale'; readonly workers: number }
  /** Put the previous command, arguments, cwd and environment back (and restart if it ran). */
  | { readonly kind: 'restoreLaunch'; readonly spec: LaunchSpec }
  /** Turn a rule that an operation disabled back on. */
  | { readonly kind: 'enableRule'; readonly ruleId: string };

export type AuditResult = 'ok' | 'failed' | 'dryRun' | 'declined' | 'skipped' | 'refused';

export interface AuditEntry {
  /** Unique within the log; `undoes` refers to it. */
  readonly id: string;
  /** ISO 8601, UTC. */
  readonly time: string;
  /** start, stop, restart, scale, cpuProfile, heapProfile, runTask, command, setCommand, disableRule, crashLoop, undo… */
  readonly action: string;
  readonly trigger: AuditTrigger;
  /** For actions bound to rules: ask, auto or dryRun. */
  readonly mode?: 'ask' | 'auto' | 'dryRun';
  readonly params?: { readonly before?: unknown; readonly after?: unknown };
  readonly result: AuditResult;
  /** One sentence: what happened, or why not. */
  readonly message?: string;
  readonly durationMs: number;
  /** Restart lines: how the run before it ended, and how long the supervisor waited. */
  readonly exitCode?: number | null;
  readonly signal?: string | null;
  readonly delayMs?: number;
  /** Present when the operation can be reverted. */
  readonly undo?: UndoRecord;
  /** On an undo line: the id of the entry it reverted. */
  readonly undoes?: string;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'time'>;

export interface AuditLogOptions {
  readonly clock: Clock;
  /** The JSON-lines file; none keeps the log in memory only (tests). */
  readonly file?: string;
  /** Default 1 MiB. */
  readonly maxBytes?: number;
  /** Entries kept in memory for the view, the report and undo. Default 500. */
  readonly keep?: number;
  /** Where a write problem goes (the log), once per problem. */
  readonly onProblem?: (sentence: string) => void;
}

export class AuditLog implements Disposable {
  private readonly emitter = new Emitter<AuditEntry>();
  readonly onEntry: Event<AuditEntry> = this.emitter.event;
  private readonly recent: AuditEntry[] = [];
  private readonly keep: number;
  private readonly maxBytes: number;
  private fd: number | undefined;
  private size = 0;
  private seq = 0;
  private lastProblem = '';

  constructor(private readonly options: AuditLogOptions) {
    this.keep = options.keep ?? 500;
    this.maxBytes = options.maxBytes ?? 1024 * 1024;
    if (options.file) {
      this.loadExisting(options.file);
    }
  }

  get file(): string | undefined {
    return this.options.file;
  }

  /** Appends an entry (fsync'd) and returns it with its id and time. */
  append(e: NewAuditEntry): AuditEntry {
    const nowMs = this.options.clock.now();
    const entry: AuditEntry = { id: `${nowMs.toString(36)}-${(++this.seq).toString(36)}`, time: new Date(nowMs).toISOString(), ...e };
    this.recent.push(entry);
    if (this.recent.length > this.keep) {
      this.recent.shift();
    }
    this.write(JSON.stringify(entry) + '\n');
    this.emitter.fire(entry);
    return entry;
  }

  /** The entries kept in memory, oldest first. */
  entries(): readonly AuditEntry[] {
    return this.recent;
  }

  private write(line: string): void {
    const file = this.options.file;
    if (!file) {
      return;
    }
    try {
      const bytes = Buffer.byteLength(line);
      if (this.fd !== undefined && this.size > 0 && this.size + bytes > this.maxBytes) {
        fs.closeSync(this.fd);
        this.fd = undefined;
        fs.renameSync(file, `${file}.1`);
      }
      if (this.fd === undefined) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        this.fd = fs.openSync(file, 'a', 0o600);
        this.size = fs.fstatSync(this.fd).size;
      }
      fs.writeSync(this.fd, line);
      fs.fsyncSync(this.fd);
      this.size += bytes;
    } catch (err) {
      const sentence = l10n.t("The audit log {0} could not be written ({1}); operations still run and are kept in memory. Check the folder's permissions and free space.", file, err instanceof Error ? err.message : String(err));
      if (sentence !== this.lastProblem) {
        this.lastProblem = sentence;
        this.options.onProblem?.(sentence);
      }
    }
  }

  private loadExisting(file: string): void {
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return;
    }
    for (const line of text.split('\n').slice(-this.keep - 1)) {
      if (line.trim() === '') {
        continue;
      }
      try {
        const e = JSON.parse(line) as AuditEntry;
        if (typeof e.id === 'string' && typeof e.action === 'string') {
          this.recent.push(e);
        }
      } catch {
        // A torn last line from a crash: the entries before it still count.
      }
    }
  }

  dispose(): void {
    if (this.fd !== undefined) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // Already closed.
      }
      this.fd = undefined;
    }
    this.emitter.dispose();
  }
}

/** The most recent entry that can be undone and has not been, or undefined. */
export function lastUndoable(entries: readonly AuditEntry[]): AuditEntry | undefined {
  const undone = new Set(entries.flatMap((e) => (e.undoes ? [e.undoes] : [])));
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    if (e.undo && e.result === 'ok' && !undone.has(e.id)) {
      return e;
    }
  }
  return undefined;
}
