import * as vscode from 'vscode';
import { ActiveAlertLine, buildStatusView, changedStatusParts, StatusView } from '../core/statusView';
import { Monitor } from '../core/monitor';
import { Commands } from '../shared/commandIds';
import { Defaults } from '../core/config';
import { systemClock } from '../core/clock';
import { StatusRefresh } from '../core/statusRefresh';

export interface StatusBarInputs {
  readonly monitor: Monitor;
  readonly configProblems: () => readonly string[];
  readonly alerts: () => readonly ActiveAlertLine[];
  readonly forecast: () => string | undefined;
}

/**
 * The status bar glance. Re-rendered on every snapshot, and by a slow timer so
 * that data turns "stale" even when the collector itself has stalled (StatusRefresh:
 * the timer stays quiet while snapshots come).
 */
export class StatusBarController implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscriptions: vscode.Disposable[] = [];
  private view: StatusView | undefined;
  private readonly refresh: StatusRefresh;

  constructor(private readonly inputs: StatusBarInputs) {
    this.item = vscode.window.createStatusBarItem('chatroomMonitor.status', vscode.StatusBarAlignment.Left, 100);
    this.item.name = vscode.l10n.t('Chat-Room Monitor');
    this.item.command = Commands.openDashboard;
    this.refresh = new StatusRefresh(systemClock, () => inputs.monitor.config?.sampleIntervalMs ?? Defaults.sampleIntervalMs, () => this.render());
    this.subscriptions.push(inputs.monitor.onSnapshot(() => this.refresh.snapshot()));
    this.render();
    this.item.show();
  }

  /** The current rendering (for the test API). */
  current(): { text: string; tooltip: string; backgroundColor?: string } {
    const bg = this.item.backgroundColor as vscode.ThemeColor | undefined;
    return { text: this.item.text, tooltip: this.view?.tooltip ?? '', ...(bg ? { backgroundColor: bg.id } : {}) };
  }

  render(): void {
    const m = this.inputs.monitor;
    const config = m.config;
    const view = buildStatusView({
      nowMs: Date.now(),
      intervalMs: config?.sampleIntervalMs ?? Defaults.sampleIntervalMs,
      name: config?.target.name,
      target: m.targetState,
      snapshot: m.latestSnapshot,
      store: m.store,
      problems: m.latestSnapshot?.problems ?? [],
      configProblems: this.inputs.configProblems(),
      alerts: this.inputs.alerts(),
      forecast: this.inputs.forecast(),
      restarts: m.restartCount,
    });
    // Only what changed is set: each property set sends the whole item to the window.
    const changed = changedStatusParts(this.view, view);
    this.view = view;
    if (changed.text !== undefined) this.item.text = changed.text;
    if (changed.tooltip !== undefined) {
      const tooltip = new vscode.MarkdownString(changed.tooltip, true);
      // Command links in the tooltip run only our own commands.
      tooltip.isTrusted = { enabledCommands: Object.values(Commands) };
      this.item.tooltip = tooltip;
    }
    if (changed.ariaLabel !== undefined) this.item.accessibilityInformation = { label: changed.ariaLabel, role: 'button' };
    if (changed.severity !== undefined) {
      this.item.backgroundColor =
        changed.severity === 'error'
          ? new vscode.ThemeColor('statusBarItem.errorBackground')
          : changed.severity === 'warning'
            ? new vscode.ThemeColor('statusBarItem.warningBackground')
            : undefined;
    }
  }

  dispose(): void {
    this.refresh.dispose();
    for (const s of this.subscriptions) {
      s.dispose();
    }
    this.item.dispose();
  }
}
