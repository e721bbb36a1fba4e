import * as vscode from 'vscode';

/**
 * The monitor's own log: a LogOutputChannel "Chat-Room Monitor". It also keeps
 * the last lines in memory so the integration tests (and a future "copy
 * diagnostics" command) can read what was said.
 */
export class MonitorLog implements vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;
  private readonly recent: string[] = [];

  constructor(private readonly keep = 500) {
    this.channel = vscode.window.createOutputChannel('Chat-Room Monitor', { log: true });
  }

  info(message: string): void {
    this.remember('info', message);
    this.channel.info(message);
  }

  warn(message: string): void {
    this.remember('warn', message);
    this.channel.warn(message);
  }

  error(message: string): void {
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
