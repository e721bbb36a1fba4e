import * as vscode from 'vscode';
import { createMonitorDeps } from '../core/monitorDeps';
import { Monitor } from '../core/monitor';
import { Snapshot, TargetState } from '../core/model';
import { Event } from '../core/events';
import { Commands } from './commandIds';
import { watchConfig } from './configuration';
import { MonitorLog } from './log';
import { StatusBarController } from './statusBar';
import { registerSelectProcess } from './selectProcess';

/** Returned from activate(): lets integration tests (and other extensions) look inside. */
export interface ChatroomMonitorApi {
  statusBar(): { text: string; tooltip: string; backgroundColor?: string };
  targetState(): TargetState;
  latestSnapshot(): Snapshot | undefined;
  readonly onSnapshot: Event<Snapshot>;
  logLines(): string[];
}

let monitor: Monitor | undefined;

export function activate(context: vscode.ExtensionContext): ChatroomMonitorApi {
  const log = new MonitorLog();
  context.subscriptions.push(log);

  const workspaceFolder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const deps = createMonitorDeps({ diskPath: workspaceFolder ?? process.cwd() });
  const m = new Monitor(deps);
  monitor = m;
  context.subscriptions.push(m);
  context.subscriptions.push({ dispose: m.onLog((e) => log[e.level](e.message)).dispose });

  let configProblems: readonly string[] = [];
  const statusBar = new StatusBarController({
    monitor: m,
    configProblems: () => configProblems,
    alerts: () => [],
    forecast: () => undefined,
  });
  context.subscriptions.push(statusBar);

  context.subscriptions.push(
    watchConfig(({ config, problems }) => {
      configProblems = problems.map((p) => p.message);
      for (const p of problems) {
        log.error(p.message);
      }
      m.configure(config);
      m.start();
      statusBar.render();
    }),
  );

  context.subscriptions.push(
    registerSelectProcess(deps.locator, log),
    vscode.commands.registerCommand(Commands.showLog, () => log.show()),
  );

  return {
    statusBar: () => statusBar.current(),
    targetState: () => m.targetState,
    latestSnapshot: () => m.latestSnapshot,
    onSnapshot: m.onSnapshot,
    logLines: () => log.lines(),
  };
}

/** VS Code awaits this: the collector stops before the host goes away. */
export function deactivate(): Promise<void> | undefined {
  const m = monitor;
  monitor = undefined;
  return m?.stop();
}
