import * as vscode from 'vscode';
import { inertLogText } from '../core/text/inertText';

/** Longer than any sentence of ours; a quoted server text is cut before this. */
const LOG_LINE_CHARS = 4000;

/**
 * The monitor's own log: a LogOutputChannel "Chat-Room Monitor". It also keeps
 * the last lines in memory so the integration tests (and a future "copy
 * diagnostics" command) can read what was said. Every line is inert text: one line,
 * hidden characters named, bounded, so a value quoted from the server cannot forge a
 * second log line or hide what it says.
 */
export class MonitorLog implements vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;
  private readonly recent: string[] = [];

  constructor(private readonly keep = 500) {
    this.channel = vscode.window.createOutputChannel('Chat-Room Monitor', { log: true });
  }

  info(text: string): void {
    const message = inertLogText(text, LOG_LINE_CHARS);
    this.remember('info', message);
    this.channel.info(message);
  }

  warn(text: string): void {
    const message = inertLogText(text, LOG_LINE_CHARS);
    this.remember('warn', message);
    this.channel.warn(message);
  }

  error(text: string): void {
    const message = inertLogText(text, LOG_LINE_CHARS);
    this.remember('error', message);
    this.channel.error(message);
  }

  show(): void {
    this.channel.show(true);
  }

  lines(): string[] {
    return [...this.recent];
  }

  private remember(level: string, message: string): void {
    this.recent.push(`[${level}] ${message}`);
    if (this.recent.length > this.keep) {
      this.recent.splice(0, this.recent.length - this.keep);
    }
  }

  dispose(): void {
    this.channel.dispose();
  }
}
