import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { Clock } from '../core/clock';
import { MonitorDeps } from '../core/monitor';
import { Commands } from '../shared/commandIds';
import { MonitorLog } from './log';

type PrometheusModule = typeof import('../core/prometheus/promDeps');

/** Where the credentials are kept: VS Code's secret storage (the OS keychain), never settings. */
const SECRET_KEY = 'chatroomMonitor.prometheus.authorization';

/**
 * The VS Code side of the Prometheus source: the credentials (secret storage only, set
 * by a command, read once and on change, so a tick never waits for the keychain) and
 * the lazily loaded watch — its own bundle, dist/prometheus.js, required only when
 * `chatroomMonitor.prometheus.url` is set.
 */
export class PrometheusSourceController implements vscode.Disposable {
  private authorization: string | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private module: PrometheusModule | undefined;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: MonitorLog,
  ) {
    void this.reload();
    this.subscriptions.push(
      secrets.onDidChange((e) => e.key === SECRET_KEY && void this.reload()),
      vscode.commands.registerCommand(Commands.setPrometheusCredentials, () => this.askCredentials()),
    );
  }

  /** The monitor's hook: builds the Prometheus watch for a config that has one. */
  createRemoteWatch(clock: Clock): NonNullable<MonitorDeps['createRemoteWatch']> {
    return (config) => {
      try {
        this.module ??= loadPrometheusModule();
      } catch (err) {
        this.log.error(vscode.l10n.t('The Prometheus source could not be loaded: {0}', err instanceof Error ? err.message : String(err)));
        return undefined;
      }
      return this.module.createPrometheusWatch(config, { clock, authorization: () => this.authorization });
    };
  }

  private async reload(): Promise<void> {
    try {
      this.authorization = await this.secrets.get(SECRET_KEY);
    } catch (err) {
      this.log.warn(vscode.l10n.t('The Prometheus credentials could not be read from the secret storage: {0}', err instanceof Error ? err.message : String(err)));
    }
  }

  private async askCredentials(): Promise<void> {
    const pick = await vscode.window.showQuickPick(
      [
        { label: vscode.l10n.t('Bearer token'), auth: 'bearer' as const, detail: vscode.l10n.t('Sent as Authorization: Bearer …') },
        { label: vscode.l10n.t('User name and password'), auth: 'basic' as const, detail: vscode.l10n.t('HTTP basic authentication') },
        { label: vscode.l10n.t('No credentials'), auth: 'none' as const, detail: vscode.l10n.t('Forget the stored credentials') },
      ],
      { title: vscode.l10n.t('Prometheus credentials (kept in the secret storage, not in settings)') },
    );
    if (!pick) {
      return;
    }
    if (pick.auth === 'none') {
      await this.secrets.delete(SECRET_KEY);
      this.authorization = undefined;
      this.log.info(vscode.l10n.t('Prometheus credentials removed.'));
      return;
    }
    if (pick.auth === 'bearer') {
      const token = await vscode.window.showInputBox({ title: vscode.l10n.t('Prometheus bearer token'), password: true, ignoreFocusOut: true });
      if (!token) return;
      await this.store(`Bearer ${token.trim()}`);
    } else {
      const user = await vscode.window.showInputBox({ title: vscode.l10n.t('Prometheus user name'), ignoreFocusOut: true });
      if (!user) return;
      const password = await vscode.window.showInputBox({ title: vscode.l10n.t('Password of {0}', user), password: true, ignoreFocusOut: true });
      if (password === undefined) return;
      await this.store(`Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`);
    }
    this.log.info(vscode.l10n.t('Prometheus credentials saved in the secret storage; the next query uses them.'));
  }

  private async store(header: string): Promise<void> {
    this.authorization = header;
    await this.secrets.store(SECRET_KEY, header);
  }

  dispose(): void {
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }
}

/**
 * dist/prometheus.js beside dist/extension.js; from compiled sources (tests) the module
 * itself. Both paths are computed, so the extension bundle does not inline it.
 */
function loadPrometheusModule(): PrometheusModule {
  const bundled = path.join(__dirname, 'prometheus.js');
  const target = fs.existsSync(bundled) ? bundled : path.join(__dirname, '..', 'core', 'prometheus', 'promDeps');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(target) as PrometheusModule;
}
