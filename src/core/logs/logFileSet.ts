/**
 * Log files by path or glob (`*` and `?` in the file name: `logs/*.log`), each
 * followed by a FileFollower; the pattern is expanded again on every poll, so a file
 * that appears later is followed from its start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TimerHandle } from '../clock';
import { Disposable, Emitter, Event } from '../events';
import { FileFollower, FileFollowerOptions, FollowerNote } from './fileFollower';
import { LineStream, LogLine } from './lineStream';

/** At most this many files followed per pattern. */
const MAX_FILES = 32;

export function isGlob(p: string): boolean {
  return /[*?]/.test(path.basename(p));
}

function globToRegExp(name: string): RegExp {
  return new RegExp('^' + name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]') + '$');
}

export class LogFileSet implements LineStream, Disposable {
  private readonly lines = new Emitter<LogLine>();
  private readonly notes = new Emitter<FollowerNote>();
  readonly onLine: Event<LogLine> = this.lines.event;
  readonly onNote: Event<FollowerNote> = this.notes.event;
  private readonly followers = new Map<string, { follower: FileFollower; subs: Disposable[] }>();
  private timer: TimerHandle | undefined;
  private started = false;
  private disposed = false;

  constructor(
    readonly pattern: string,
    private readonly options: FileFollowerOptions,
  ) {}

  start(): void {
    this.started = true;
    this.expand(true);
  }

  /** Polls every followed file now (and expands the glob). */
  poll(): void {
    this.expand(false);
    for (const { follower } of this.followers.values()) follower.poll();
  }

  get files(): string[] {
    return [...this.followers.keys()];
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    for (const { follower, subs } of this.followers.values()) {
      subs.forEach((s) => s.dispose());
      follower.dispose();
    }
    this.followers.clear();
    this.lines.dispose();
    this.notes.dispose();
  }

  private expand(first: boolean): void {
    if (this.disposed || !this.started) return;
    const matches = isGlob(this.pattern) ? this.matches() : [this.pattern];
    for (const file of matches) {
      if (this.followers.has(file) || this.followers.size >= MAX_FILES) continue;
      const f = new FileFollower(file, this.options);
      const subs = [f.onLine((l) => this.lines.fire(l)), f.onNote((n) => this.notes.fire(n))];
      this.followers.set(file, { follower: f, subs });
      if (!first) f.markAppeared();
      f.start();
    }
    if (isGlob(this.pattern)) {
      if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
      this.timer = this.options.clock.setTimeout(() => this.expand(false), this.options.pollMs ?? 500);
    }
  }

  private matches(): string[] {
    const dir = path.dirname(this.pattern);
    const re = globToRegExp(path.basename(this.pattern));
    try {
      return fs
        .readdirSync(dir)
        .filter((n) => re.test(n))
        .sort()
        .map((n) => path.join(dir, n));
    } catch {
      return [];
    }
  }
}
