/**
 * What the log pipeline reads: any stream of text lines. A followed file, the stdout /
 * stderr of a server the monitor started, or OTLP log records all become LineStreams.
 */
import { Event } from '../events';

export interface LogLine {
  /** One physical line, without its line terminator. ANSI codes may still be in it. */
  readonly text: string;
  /** Where it came from, shown to the user: a file path, `stdout`, `stderr`, `otlp`. */
  readonly source: string;
  /** When it was read (epoch ms); a time inside the line, when present, wins. */
  readonly receivedMs: number;
}

export interface LineStream {
  readonly onLine: Event<LogLine>;
  /**
   * Optional: the stream's producer restarted (a new server process, a rotated file
   * is not a restart). Error groups seen again after it are regressions.
   */
  readonly onRestart?: Event<{ readonly timeMs: number }>;
}
