import * as vscode from 'vscode';
import { Alert, AlertTransition } from '../core/alerts/alert';
import { AlertNotification, GroupedSummary, notificationFor, notificationText, NotificationThrottle } from '../core/alerts/notificationThrottle';
import { toPrometheusRulesYaml } from '../core/alerts/prometheusExport';
import { AlertLevel } from '../shared/vocabulary';
import { systemClock } from '../core/clock';
import { Monitor } from '../core/monitor';
import { ActiveAlertLine } from '../core/statusView';
import { inertQuickPickText } from '../core/text/inertText';
import { Commands } from '../shared/commandIds';
import { Settings, SettingKey, touches } from '../core/settings/settings';
import { MonitorLog } from './log';
import { profileKindFor } from '../core/profile/profileEvidence';
import { alertStateWord } from '../core/i18n/words';

// Button labels, in the display language (read when a notification is shown, after activation).
const ACTION_DASHBOARD = () => vscode.l10n.t('Open Dashboard');
const ACTION_SNOOZE = () => vscode.l10n.t('Snooze…');
const ACTION_REPORT = () => vscode.l10n.t('Show Report');
const ACTION_PROFILE = () => vscode.l10n.t('Profile now');

/** A notification shown, for the test API and diagnostics. */
export interface ShownNotification {
  readonly level: AlertLevel;
  readonly text: string;
  readonly atMs: number;
  /** The buttons it offered ("Profile now" first on a CPU or memory alert). */
  readonly actions: readonly string[];
}

/**
 * Turns alert transitions into VS Code notifications: the kind follows the level,
 * at most 3 a minute (the rest grouped into one "and N more"), a minimum level, and
 * resolved notices once unless turned off. Settings are read here; a bad rule is one
 * sentence in the log and the status bar tooltip, and the other rules keep working.
 */
export class AlertsController implements vscode.Disposable {
  private readonly throttle = new NotificationThrottle(systemClock);
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly shown: ShownNotification[] = [];

  constructor(
    private readonly monitor: Monitor,
    private readonly log: MonitorLog,
  ) {
    this.subscriptions.push(
      { dispose: monitor.alerts.onTransition((t) => this.onTransition(t)).dispose },
      { dispose: this.throttle.onSummary((s) => this.showSummary(s)).dispose },
      this.throttle,
      vscode.commands.registerCommand(Commands.snoozeAlerts, (target?: string, minutes?: number) => this.snoozeCommand(target, minutes)),
      vscode.commands.registerCommand(Commands.clearSnooze, () => {
        monitor.alerts.clearSnooze();
        this.log.info(vscode.l10n.t('Snooze cleared: alerts notify again.'));
      }),
      vscode.commands.registerCommand(Commands.exportPrometheusRules, (target?: vscode.Uri) => this.exportRules(target)),
    );
  }

  /** Rule problems, one sentence each, for the status bar tooltip. */
  ruleProblems(): readonly string[] {
    return this.monitor.alertRuleProblems;
  }

  /** Active alerts for the status bar (pending ones are not shown: they may never fire). */
  statusLines(): ActiveAlertLine[] {
    const now = Date.now();
    return this.monitor.alerts
      .active()
      .filter((a) => a.state === 'firing' && !a.inhibited)
      .map((a) => ({ level: a.level, title: a.title, snoozed: a.snoozedUntilMs !== undefined && a.snoozedUntilMs > now }));
  }

  notifications(): readonly ShownNotification[] {
    return this.shown;
  }

  /**
   * Notification options when theirs changed. The rules themselves are the monitor's
   * (Monitor.applySettings, called first); their problems are logged here, once per change.
   */
  applySettings(s: Settings, changed: ReadonlySet<SettingKey>): void {
    if (touches(changed, 'alerts')) {
      for (const p of this.monitor.alertRuleProblems) {
        this.log.error(p);
      }
      const n = this.monitor.alertRules.length;
      this.log.info(n === 1 ? vscode.l10n.t('1 alert rule active.') : vscode.l10n.t('{0} alert rules active.', n));
    }
    if (touches(changed, 'notifications')) {
      this.throttle.updateOptions({ minimumLevel: s['alerts.minimumLevel'], notifyResolved: s['alerts.notifyResolved'] });
    }
  }

  /** A notification from another part (a new error group in the logs), through the same throttle. */
  offer(n: AlertNotification): void {
    if (this.throttle.offer(n) === 'show') {
      this.show(n);
    }
  }

  private onTransition(t: AlertTransition): void {
    if (t.to === 'firing' && t.from !== 'firing') {
      this.log.warn(vscode.l10n.t('Alert firing: {0} — {1}', t.alert.title, t.alert.message));
    } else if (t.to === 'resolved') {
      this.log.info(vscode.l10n.t('Alert resolved: {0}', t.alert.title));
    }
    const n = notificationFor(t);
    if (n && this.throttle.offer(n) === 'show') {
      this.show(n);
    }
  }

  private show(n: AlertNotification): void {
    // Inert: a label value in the title must not become a link (notifications render
    // `[x](command:…)`); no `$(icon)` either, notifications show it literally.
    const text = notificationText(n);
    const profile = n.kind === 'resolved' ? undefined : this.profileKindOf(n.alertId);
    const actions = n.kind === 'resolved' ? [] : [...(profile ? [ACTION_PROFILE()] : []), ACTION_DASHBOARD(), ACTION_SNOOZE(), ACTION_REPORT()];
    this.record(n.level, text, actions);
    void this.notify(n.kind === 'resolved' ? 'info' : n.level, vscode.l10n.t('Chat-Room Monitor: {0}', text), actions).then((choice) =>
      choice === ACTION_PROFILE() ? this.profileNow(n.alertId) : this.act(choice, n.alertId),
    );
  }

  private showSummary(s: GroupedSummary): void {
    const actions = [ACTION_DASHBOARD(), ACTION_SNOOZE()];
    this.record(s.highestLevel, s.message, actions);
    void this.notify(s.highestLevel, vscode.l10n.t('Chat-Room Monitor: {0}', s.message), actions).then((choice) => this.act(choice, 'all'));
  }

  private record(level: AlertLevel, text: string, actions: readonly string[]): void {
    this.shown.push({ level, text, atMs: Date.now(), actions });
    if (this.shown.length > 200) {
      this.shown.splice(0, this.shown.length - 200);
    }
  }

  /** Critical is an error notification too: prominent, but never modal. */
  private notify(level: AlertLevel, text: string, actions: string[]): Thenable<string | undefined> {
    switch (level) {
      case 'critical':
      case 'error':
        return vscode.window.showErrorMessage(text, ...actions);
      case 'warning':
        return vscode.window.showWarningMessage(text, ...actions);
      default:
        return vscode.window.showInformationMessage(text, ...actions);
    }
  }

  /** Which profile explains this active alert (CPU for a CPU alert, heap for memory), if any. */
  private profileKindOf(alertId: string): 'cpu' | 'heap' | undefined {
    return profileKindFor(this.monitor.alerts.active().find((a) => a.id === alertId)?.metric);
  }

  /**
   * "Profile now" on a CPU or memory alert: the profile is taken while the alert still
   * fires. Resolves to what the capture command returned (undefined when it was refused).
   */
  async profileNow(alertId: string): Promise<unknown> {
    const kind = this.profileKindOf(alertId);
    if (!kind) {
      this.log.warn(vscode.l10n.t("Profile now: alert {0} is no longer active or is not about the server's CPU or memory.", alertId));
      return undefined;
    }
    this.log.info(kind === 'cpu' ? vscode.l10n.t('Profile now (CPU) for alert {0}.', alertId) : vscode.l10n.t('Profile now (heap) for alert {0}.', alertId));
    return vscode.commands.executeCommand(kind === 'cpu' ? Commands.captureCpuProfile : Commands.captureHeapProfile);
  }

  private async act(choice: string | undefined, alertId: string): Promise<void> {
    if (choice === ACTION_DASHBOARD()) {
      await vscode.commands.executeCommand(Commands.openDashboard);
    } else if (choice === ACTION_REPORT()) {
      await vscode.commands.executeCommand(Commands.showReport);
    } else if (choice === ACTION_SNOOZE()) {
      await this.snoozeCommand(alertId);
    }
  }

  /** Snooze one alert or all, for a chosen time. Arguments skip the pickers (tests, notification actions). */
  async snoozeCommand(target?: string, minutes?: number): Promise<boolean> {
    let which = target;
    if (!which) {
      const active = this.monitor.alerts.active();
      const items: (vscode.QuickPickItem & { id: string })[] = [
        {
          label: `$(bell-slash) ${vscode.l10n.t('All alerts')}`,
          description: active.length ? vscode.l10n.t('{0} active', active.length) : vscode.l10n.t('none active now'),
          id: 'all',
        },
        ...active.map((a: Alert) => ({
          label: `${levelIcon(a.level)} ${inertQuickPickText(a.title)}`,
          description: alertStateWord(a.state),
          detail: inertQuickPickText(a.message, 300),
          id: a.id,
        })),
      ];
      const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Snooze which alerts?') });
      if (!picked) {
        return false;
      }
      which = picked.id;
    }
    let mins = minutes;
    if (mins === undefined) {
      const choices = [
        { label: vscode.l10n.t('15 minutes'), minutes: 15 },
        { label: vscode.l10n.t('1 hour'), minutes: 60 },
        { label: vscode.l10n.t('{0} hours', 4), minutes: 240 },
        { label: vscode.l10n.t('{0} hours', 8), minutes: 480 },
      ];
      const picked = await vscode.window.showQuickPick(choices, { title: vscode.l10n.t('Snooze for how long?') });
      if (!picked) {
        return false;
      }
      mins = picked.minutes;
    }
    const ok = this.monitor.alerts.snooze(which, mins * 60_000);
    this.log.info(ok ? (which === 'all' ? vscode.l10n.t('Snoozed all alerts for {0} min.', mins) : vscode.l10n.t('Snoozed {0} for {1} min.', which, mins)) : vscode.l10n.t('Nothing to snooze for "{0}".', which));
    return ok;
  }

  private async exportRules(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri =
      target ??
      (await vscode.window.showSaveDialog({
        title: vscode.l10n.t('Export alert rules for Prometheus'),
        ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, 'chatroom-monitor.rules.yml') } : {}),
        filters: { [vscode.l10n.t('Prometheus rules')]: ['yml', 'yaml'] },
      }));
    if (!uri) {
      return undefined;
    }
    const yaml = toPrometheusRulesYaml(this.monitor.alertRules);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(yaml, 'utf8'));
    this.log.info(vscode.l10n.t('Exported {0} alert rules to {1}; check them with: promtool check rules {1}', this.monitor.alertRules.length, uri.fsPath));
    if (!target) {
      await vscode.window.showTextDocument(uri);
    }
    return uri;
  }

  dispose(): void {
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }
}

function levelIcon(level: AlertLevel): string {
  return level === 'critical' || level === 'error' ? '$(error)' : level === 'warning' ? '$(warning)' : '$(info)';
}
