import * as vscode from 'vscode';
import { Event } from '../core/events';
import { normalizeLocale, useLocale } from '../core/i18n/locale';
import { LogsReport } from '../core/logs/logReport';
import { Snapshot, TargetState } from '../core/model';
import { Monitor } from '../core/monitor';
import type { RunInfo } from '../core/runs/runs';
import type { RegressionCheck } from '../core/runs/regressionCheck';
import { inertLogText, inertNotificationText } from '../core/text/inertText';
import { registerCompareRunsCommand } from './compareRunsCommand';
import { createMonitorDeps } from '../core/monitorDeps';
import { touches } from '../core/settings/settings';
import { AlertsController, ShownNotification } from './alertsController';
import { Commands } from '../shared/commandIds';
import { ALL_SETTINGS, SettingsChange, SettingsReader } from './configuration';
import { DashboardPanel } from './dashboard/dashboardPanel';
import { MonitorDashboardSource } from './dashboard/monitorDashboardSource';
import { forecastSentence } from './forecastSentence';
import { HistoryController, HistoryStatus } from './historyController';
import { readWorkspaceGit, watchWorkspaceCommits } from './gitState';
import { actionMarkers } from '../core/runs/timelineMarkers';
import { MonitorLog } from './log';
import { LogsController } from './logsController';
import { ProfileController, ProfileRecord, DecorationLine } from './profileController';
import { registerReportCommand } from './reportCommand';
import { registerSelectProcess } from './selectProcess';
import { ServerController } from './serverController';
import { StatusBarController } from './statusBar';
import { PrometheusSourceController } from './prometheusSource';
import { systemClock } from '../core/clock';
import { DeferredOnce } from '../core/deferredOnce';
import { TracesController, ReceiverState } from './traces/tracesController';
import type { TracesReport } from '../core/traces/traceWatcher';
import { momentTarget } from '../core/traces/moment';

/** Returned from activate(): lets integration tests (and other extensions) look inside. */
export interface ChatroomMonitorApi {
  statusBar(): { text: string; tooltip: string; backgroundColor?: string };
  targetState(): TargetState;
  latestSnapshot(): Snapshot | undefined;
  readonly onSnapshot: Event<Snapshot>;
  logLines(): string[];
  /** Active alerts (pending and firing) as the engine holds them. */
  activeAlerts(): { id: string; ruleId: string; level: string; state: string; title: string }[];
  /** Notifications shown so far (after the storm guard). */
  notifications(): readonly ShownNotification[];
  /** True while the dashboard panel is open. */
  dashboardOpen(): boolean;
  /** Oldest and newest sample of a series key and how many the store holds (tests check the back-fill with it). */
  seriesSpan(key: string): { firstMs: number; lastMs: number; count: number } | undefined;
  /** The server the monitor supervises: state, pid watched, process tree, audit, sentences shown. */
  server: {
    state(): string;
    pid(): number | undefined;
    watchedPid(): number | undefined;
    tree(): Promise<{ pid: number; ppid: number; command: string }[]>;
    audit(): readonly unknown[];
    messages(): readonly string[];
    /** The same notifications with the buttons each offered. */
    offers(): readonly { text: string; items: readonly string[] }[];
  };
  /** When activate() returned (performance.now() of the extension host). */
  activation(): { returnedMs: number | undefined };
  /** Where the history on disk is, how large, how many ticks this session restored from it, and when (performance.now()). */
  history(): HistoryStatus;
  /** The history's moments since `fromMs` (runs, saves, commits) as the charts draw them. */
  timeline(fromMs: number): readonly { kind: string; fromMs: number; label: string }[];
  /** The runs in the history (oldest first), once the marks of the snapshots so far are written. */
  runs(): Promise<readonly RunInfo[]>;
  /** The last comparison of a new run with the previous one, after its first two minutes. */
  lastRegressionCheck(): { check: RegressionCheck; baseId: string; headId: string } | undefined;
  /** The logs side: error groups as in the report (undefined when no log file is configured). */
  logsReport(): LogsReport | undefined;
  /** Recomputes the Problems entries now. */
  refreshProblems(): void;
  /** Profiles captured in this session, and the hot-function marks shown in editors. */
  profiles(): readonly ProfileRecord[];
  profileDecorations(): DecorationLine[];
  /** The "Profile now" button of an active alert's notification, pressed: what the capture returned. */
  profileNow(alertId: string): Promise<unknown>;
  /** The OTLP receiver: its state and sentence, the port it listens on, the report's traces object. */
  traces: {
    state(): ReceiverState;
    message(): string;
    port(): number | undefined;
    report(fromMs: number, toMs: number): TracesReport | undefined;
    /** True while the Traces view is open. */
    viewOpen(): boolean;
    /** The moment the Traces view is narrowed to (a point picked on a dashboard chart); undefined: everything kept. */
    viewWindow(): { fromMs: number; toMs: number } | undefined;
    /** The trace last sent to the Traces view's waterfall, and whether it was still kept. */
    viewTrace(): { traceId: string; kept: boolean } | undefined;
  };
}

let monitor: Monitor | undefined;
let server: ServerController | undefined;
let activationReturnedMs: number | undefined;

export function activate(context: vscode.ExtensionContext): ChatroomMonitorApi {
  // The core (status bar text, alerts, report) speaks VS Code's display language, with the
  // translations VS Code loaded for us from l10n/ (undefined in English).
  useLocale(normalizeLocale(vscode.env.language), vscode.l10n.bundle);
  const log = new MonitorLog();
  context.subscriptions.push(log);

  const workspaceFolder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const prometheus = new PrometheusSourceController(context.secrets, log);
  context.subscriptions.push(prometheus);
  const clock = systemClock;
  const deps = createMonitorDeps({ diskPath: workspaceFolder ?? process.cwd(), clock, createRemoteWatch: prometheus.createRemoteWatch(clock) });
  // The logs controller's tick source reads whichever log files are configured (none: no samples).
  const extraSources: { logs?: LogsController['tickSource']; traces?: TracesController['tickSource'] } = {};
  const m = new Monitor({ ...deps, createSources: (c) => [...deps.createSources(c), ...[extraSources.logs, extraSources.traces].filter((s) => s !== undefined)] });
  monitor = m;
  context.subscriptions.push(m);
  context.subscriptions.push({ dispose: m.onLog((e) => log[e.level](e.message)).dispose });

  const history = new HistoryController(
    m,
    (context.storageUri ?? context.globalStorageUri).fsPath,
    log,
    () => readWorkspaceGit(vscode.workspace.workspaceFolders?.[0]?.uri),
    undefined,
    (check, baseId, headId) => showRegressionCheck(check, baseId, headId, log),
  );
  context.subscriptions.push(history);
  // A save in the workspace is a moment on the charts ("p95 rose 40 s after you saved rooms.ts").
  context.subscriptions.push(
    vscode.workspace.onDidSaveTextDocument((doc) => {
      if (doc.uri.scheme === 'file' && vscode.workspace.getWorkspaceFolder(doc.uri)) {
        history.markSave(Date.now(), vscode.workspace.asRelativePath(doc.uri, false));
      }
    }),
  );
  // So is a commit made while watching (through the Git extension; not awaited: it may wait for git to start).
  void watchWorkspaceCommits(vscode.workspace.workspaceFolders?.[0]?.uri, (t, c) => history.markCommit(t, c), (line) => log.info(inertLogText(line))).then((d) => context.subscriptions.push(d));

  const settings = new SettingsReader();
  const alerts = new AlertsController(m, log);
  const profiles = new ProfileController(m, log, context.globalStorageUri.fsPath, __dirname);
  context.subscriptions.push(profiles);
  context.subscriptions.push(settings, alerts);
  const logs = new LogsController(log, (n) => alerts.offer(n), () => (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath), context.extensionUri);
  extraSources.logs = logs.tickSource;
  context.subscriptions.push(logs);
  // OTLP log records go through the same log pipeline as a followed file.
  const traces = new TracesController(log, (stream) => logs.attachStream(stream), () => (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath), context.extensionUri);
  extraSources.traces = traces.tickSource;
  context.subscriptions.push(traces);

  let configProblems: readonly string[] = [];
  const statusBar = new StatusBarController({
    monitor: m,
    configProblems: () => [...configProblems, ...alerts.ruleProblems()],
    alerts: () => alerts.statusLines(),
    forecast: () => forecastSentence(m.shownForecasts),
  });
  context.subscriptions.push(statusBar);

  const dashboardSource = new MonitorDashboardSource(
    m,
    () => void vscode.commands.executeCommand(Commands.showReport),
    () => void vscode.commands.executeCommand(Commands.compareRuns),
    // A chart point: the slowest traces of its moment; an exemplar's diamond: its own trace, in its moment.
    (atMs, traceId) => void vscode.commands.executeCommand(Commands.showTraces, momentTarget(atMs, traceId)),
    // Runs, saves and commits from the history; automated actions from the audit log.
    (fromMs) => [...history.timeline(fromMs), ...actionMarkers(server?.audit.entries() ?? [], fromMs)],
  );
  const dashboard = new DashboardPanel(vscode, context.extensionUri, dashboardSource, (message) => log.warn(message));
  context.subscriptions.push(dashboardSource, dashboard);

  // The server the monitor started is watched when the settings name no other target.
  let startedPid: number | undefined;
  const withOwnTarget = (parsed: SettingsChange['parsed']): SettingsChange['parsed'] => {
    const t = parsed.config.target;
    const own = startedPid !== undefined && t.pid === undefined && t.port === undefined && !t.commandPattern && !t.ports?.length;
    return own ? { ...parsed, config: { ...parsed.config, target: { ...t, pid: startedPid } } } : parsed;
  };
  const serverController = new ServerController(
    context,
    log,
    settings.current.settings,
    (pid) => {
      startedPid = pid;
      m.configure(withOwnTarget(settings.current).config);
      m.start();
      statusBar.render();
    },
    (ruleId) => m.alertRules.find((r) => r.id === ruleId)?.actions ?? [],
  );
  server = serverController;
  // The supervised server's stdout/stderr go through the log pipeline like a followed file.
  context.subscriptions.push(logs.attachStream(serverController.lines));
  context.subscriptions.push(serverController, { dispose: m.alerts.onTransition((t) => serverController.onAlertTransition(t)).dispose });
  // The rules' cpuProfile / heapProfile actions profile the process the monitor watches.
  const profileAction = (kind: 'cpu' | 'heap') => async (pid: number, durationMs: number | undefined) => {
    const r = await profiles.captureProcess(kind, pid, durationMs, false);
    if (!r.ok) {
      throw new Error(r.message);
    }
    return { file: r.record.file, finding: r.finding };
  };
  serverController.operations.handlers = {
    ...serverController.operations.handlers,
    cpuProfile: profileAction('cpu'),
    heapProfile: profileAction('heap'),
    profileTarget: () => (m.targetState.kind === 'running' ? m.targetState.process.pid : undefined),
  };

  // One handler for first setup and changes: every setting problem is shown, new
  // ones are logged, and collection restarts only when a collection setting changed.
  const applySettings = ({ parsed, changed }: SettingsChange) => {
    configProblems = parsed.problems.map((p) => p.message);
    for (const p of parsed.problems.filter((p) => changed.has(p.key))) {
      log.error(p.message);
    }
    m.applySettings({ parsed: withOwnTarget(parsed), changed });
    if (touches(changed, 'server')) {
      serverController.applySettings(parsed.settings);
    }
    alerts.applySettings(parsed.settings, changed);
    if (touches(changed, 'history')) {
      history.apply(parsed.settings);
    }
    if (touches(changed, 'logs')) {
      const files = parsed.settings['logs.files'].filter((f): f is string => typeof f === 'string' && f.trim() !== '');
      logs.applySettings({ files }).catch((err: unknown) => log.error(vscode.l10n.t('Log files could not be followed: {0}', err instanceof Error ? err.message : String(err))));
    }
    if (touches(changed, 'traces')) {
      traces.apply({ enabled: parsed.settings['traces.enabled'], port: parsed.settings['traces.port'], trusted: vscode.workspace.isTrusted });
    }
    if (touches(changed, 'collection')) {
      startCollection.request();
    }
    statusBar.render();
  };
  // The first start waits until activate() has returned: restoring an hour of history
  // (~50 ms) is not activation time, and it still happens before the first tick, so the
  // store starts with the last session's window. Later starts (a setting changed) are direct.
  const startCollection = new DeferredOnce(() => {
    history.restoreOnce(settings.current.settings['history.minutes'] * 60_000, Date.now());
    m.start();
  });
  context.subscriptions.push(startCollection);
  applySettings({ parsed: settings.current, changed: ALL_SETTINGS });
  context.subscriptions.push({ dispose: settings.onDidChange(applySettings).dispose });

  context.subscriptions.push(
    registerSelectProcess(deps.locator, log),
    registerCompareRunsCommand(history, log),
    registerReportCommand(m, log, () => settings.current.settings['report.defaultWindow'], (fromMs) => serverController.reportOperations(fromMs), (nowMs) => logs.report(nowMs), context.globalStorageUri, () => traces.reporter()),
    vscode.commands.registerCommand(Commands.openDashboard, () => dashboard.open()),
    vscode.commands.registerCommand(Commands.showLog, () => log.show()),
  );

  activationReturnedMs = performance.now();
  startCollection.release();
  return {
    activation: () => ({ returnedMs: activationReturnedMs }),
    statusBar: () => statusBar.current(),
    targetState: () => m.targetState,
    latestSnapshot: () => m.latestSnapshot,
    onSnapshot: m.onSnapshot,
    logLines: () => log.lines(),
    activeAlerts: () => m.alerts.active().map((a) => ({ id: a.id, ruleId: a.ruleId, level: a.level, state: a.state, title: a.title })),
    notifications: () => alerts.notifications(),
    dashboardOpen: () => dashboard.isOpen,
    seriesSpan: (key: string) => {
      const n = m.store.length(key);
      const w = n > 0 ? m.store.window(key, Number.NEGATIVE_INFINITY) : undefined;
      return w && w.times.length > 0 ? { firstMs: w.times[0]!, lastMs: w.times[w.times.length - 1]!, count: n } : undefined;
    },
    server: {
      state: () => serverController.state,
      pid: () => serverController.supervisor.pid,
      watchedPid: () => serverController.pidToWatch,
      tree: () => serverController.tree(),
      audit: () => serverController.audit.entries(),
      messages: () => serverController.shownMessages(),
      offers: () => serverController.shownOffers(),
    },
    history: () => history.status(),
    timeline: (fromMs) => history.timeline(fromMs),
    lastRegressionCheck: () => history.lastRegressionCheck,
    runs: async () => {
      await history.runsSettled();
      return history.runs();
    },
    logsReport: () => logs.report(Date.now()),
    refreshProblems: () => logs.refresh(),
    profiles: () => profiles.profiles(),
    profileDecorations: () => profiles.decorations(),
    profileNow: (alertId: string) => alerts.profileNow(alertId),
    traces: {
      state: () => traces.state,
      message: () => traces.message,
      port: () => traces.port,
      report: (fromMs: number, toMs: number) => traces.reporter()?.(fromMs, toMs),
      viewOpen: () => traces.viewOpen,
      viewWindow: () => traces.viewWindow,
      viewTrace: () => traces.viewTrace,
    },
  };
}

/** The regression warning after a restart, naming both commits; the button opens the comparison. */
function showRegressionCheck(check: RegressionCheck, baseId: string, headId: string, log: MonitorLog): void {
  if (check.kind === 'regression') {
    log.warn(check.sentence);
    void vscode.window.showWarningMessage(inertNotificationText(check.sentence), vscode.l10n.t('Compare Runs')).then((choice) => {
      if (choice) {
        void vscode.commands.executeCommand(Commands.compareRuns, baseId, headId);
      }
    });
  } else if (check.kind === 'noRegression') {
    log.info(vscode.l10n.t('This run compared with the previous one under the same load: no significant change.'));
  } else {
    log.info(check.sentence);
  }
}

/** VS Code awaits this: the collector stops before the host goes away. */
export async function deactivate(): Promise<void> {
  const m = monitor;
  const s = server;
  monitor = undefined;
  server = undefined;
  // The server first (server.stopOnExit), so its last lines and exit are still audited.
  await s?.shutdown();
  await m?.stop();
}
