import * as l10n from '@vscode/l10n';
/**
 * Follows a log file like `tail -F`, in this process (no `tail` child): starts at the
 * end with a bounded look-back, reads what is appended, survives rename rotation (the
 * old file is read to its end, then the new one from its start), truncation (read again
 * from the start) and a file that does not exist yet (read from its start when it
 * appears). `fs.watch` on the directory wakes it early; a stat poll is the guarantee
 * (watch events are lost on some file systems and never arrive for NFS).
 */
import fs from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { Clock, TimerHandle } from '../clock';
import { Disposable, Emitter, Event } from '../events';
import { LineStream, LogLine } from './lineStream';

export interface FileFollowerOptions {
  readonly clock: Clock;
  /** Stat poll period (default 500 ms). */
  readonly pollMs?: number;
  /** Bytes read back from the end of a file that already exists at start (default 64 KiB). */
  readonly lookBackBytes?: number;
  /** A line longer than this is cut (default 64 KiB), so one runaway line cannot fill memory. */
  readonly maxLineBytes?: number;
  /** Most bytes read per poll (default 8 MiB); the rest is read on the next poll. */
  readonly maxReadPerPollBytes?: number;
  /** Use fs.watch as a wake-up (default true). */
  readonly watch?: boolean;
}

/** Something the follower noticed, in one sentence (rotation, truncation, waiting, unreadable). */
export interface FollowerNote {
  readonly path: string;
  readonly kind: 'waiting' | 'opened' | 'rotated' | 'truncated' | 'error';
  readonly message: string;
}

const CHUNK = 64 * 1024;

export class FileFollower implements LineStream, Disposable {
  private readonly lineEmitter = new Emitter<LogLine>();
  private readonly noteEmitter = new Emitter<FollowerNote>();
  readonly onLine: Event<LogLine> = this.lineEmitter.event;
  readonly onNote: Event<FollowerNote> = this.noteEmitter.event;

  private fd: number | undefined;
  private ino = -1;
  private dev = -1;
  private position = 0;
  private decoder = new StringDecoder('utf8');
  private partial = '';
  private skipFirstLine = false;
  private firstOpen = true;
  private lastNote: FollowerNote['kind'] | undefined;
  private timer: TimerHandle | undefined;
  private watcher: fs.FSWatcher | undefined;
  private polling = false;
  private again = false;
  private disposed = false;
  private readonly buf: Buffer;

  constructor(
    readonly path: string,
    private readonly options: FileFollowerOptions,
  ) {
    this.buf = Buffer.allocUnsafe(CHUNK);
  }

  /** Starts polling (and watching). The first poll runs now. */
  start(): void {
    if (this.watcher === undefined && this.options.watch !== false) {
      try {
        this.watcher = fs.watch(path.dirname(this.path), { persistent: false }, (_e, name) => {
          if (name === null || name === path.basename(this.path)) this.poll();
        });
        this.watcher.on('error', () => {
          this.watcher?.close();
          this.watcher = undefined; // polling still runs
        });
      } catch {
        this.watcher = undefined; // the directory may not exist yet: polling covers it
      }
    }
    this.poll();
  }

  /** The file appeared after the start (a glob's new match): read it from its start. */
  markAppeared(): void {
    this.firstOpen = false;
  }

  /** One poll now: reads what is there, synchronously. Tests call it directly. */
  poll(): void {
    if (this.disposed || this.polling) return;
    this.polling = true;
    try {
      this.again = false;
      this.pollOnce();
    } finally {
      this.polling = false;
      this.schedule();
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
    this.closeFd();
    this.lineEmitter.dispose();
    this.noteEmitter.dispose();
  }

  private schedule(): void {
    if (this.disposed) return;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      this.poll();
    }, this.again ? 0 : (this.options.pollMs ?? 500)); // more to read: come back at once
  }

  // Synchronous reads: a poll reads at most maxReadPerPollBytes, and a log file is a
  // local file; fs.promises' per-call overhead would cost more than the read.
  private pollOnce(): void {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(this.path);
    } catch (err) {
      if (this.fd !== undefined) {
        // Renamed away and no new file yet: finish the old one, then wait for the new.
        this.readToEnd();
        this.flushPartial();
        this.closeFd();
      }
      this.firstOpen = false;
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        this.note('waiting', l10n.t('{0} does not exist yet; it will be read from its start when it appears.', this.path));
      } else {
        this.note('error', l10n.t('{0} cannot be read ({1}).', this.path, code ?? 'error'));
      }
      return;
    }
    if (!st.isFile()) {
      this.note('error', l10n.t('{0} is not a regular file.', this.path));
      return;
    }
    if (this.fd !== undefined && (st.ino !== this.ino || st.dev !== this.dev)) {
      // Rotation: the name now points at a new file. The old fd still reads the old one.
      this.readToEnd();
      this.flushPartial();
      this.closeFd();
      this.note('rotated', l10n.t('{0} was rotated; reading the new file from its start.', this.path));
    }
    if (this.fd === undefined) {
      try {
        this.fd = fs.openSync(this.path, 'r');
        const real = fs.fstatSync(this.fd);
        this.ino = real.ino;
        this.dev = real.dev;
        st = real;
      } catch (err) {
        this.note('error', l10n.t('{0} cannot be opened ({1}).', this.path, (err as NodeJS.ErrnoException).code ?? 'error'));
        return;
      }
      const lookBack = this.options.lookBackBytes ?? 64 * 1024;
      if (this.firstOpen) {
        this.position = Math.max(0, st.size - lookBack);
        this.skipFirstLine = this.position > 0;
      } else {
        this.position = 0;
        this.skipFirstLine = false;
      }
      this.firstOpen = false;
      this.decoder = new StringDecoder('utf8');
      this.partial = '';
      if (this.lastNote !== 'rotated') this.note('opened', l10n.t('Following {0}.', this.path));
      this.lastNote = 'opened';
    }
    if (st.size < this.position) {
      this.position = 0;
      this.partial = '';
      this.decoder = new StringDecoder('utf8');
      this.note('truncated', l10n.t('{0} was truncated; reading it again from its start.', this.path));
    }
    this.readToEnd(this.options.maxReadPerPollBytes ?? 8 * 1024 * 1024);
  }

  private readToEnd(limit = Infinity): void {
    if (this.fd === undefined) return;
    let total = 0;
    for (;;) {
      let n: number;
      try {
        n = fs.readSync(this.fd, this.buf, 0, CHUNK, this.position);
      } catch {
        return;
      }
      if (n <= 0) return;
      this.position += n;
      total += n;
      this.consume(this.decoder.write(this.buf.subarray(0, n)));
      if (total >= limit) {
        this.again = true;
        return;
      }
    }
  }

  private consume(text: string): void {
    const now = this.options.clock.now();
    const maxLine = this.options.maxLineBytes ?? 64 * 1024;
    let start = 0;
    let nl = text.indexOf('\n');
    if (nl < 0) {
      this.partial += text;
      if (this.partial.length > maxLine) {
        this.emitLine(this.partial.slice(0, maxLine), now);
        this.partial = '';
        this.skipRestOfLine = true;
      }
      return;
    }
    while (nl >= 0) {
      let line = this.partial.length > 0 ? this.partial + text.slice(start, nl) : text.slice(start, nl);
      this.partial = '';
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (this.skipFirstLine) {
        this.skipFirstLine = false; // the look-back started mid-line
      } else if (this.skipRestOfLine) {
        this.skipRestOfLine = false;
      } else {
        this.emitLine(line.length > maxLine ? line.slice(0, maxLine) : line, now);
      }
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    this.partial = text.slice(start);
  }

  private skipRestOfLine = false;

  private emitLine(text: string, receivedMs: number): void {
    this.lineEmitter.fire({ text, source: this.path, receivedMs });
  }

  /** A last line without a newline is complete once its file is rotated away. */
  private flushPartial(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest.length > 0 && !this.skipFirstLine) this.emitLine(rest, this.options.clock.now());
  }

  private closeFd(): void {
    if (this.fd !== undefined) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = undefined;
    }
  }

  private note(kind: FollowerNote['kind'], message: string): void {
    if (this.lastNote === kind && (kind === 'waiting' || kind === 'error')) return; // once, not every poll
    this.lastNote = kind;
    this.noteEmitter.fire({ path: this.path, kind, message });
  }
}
