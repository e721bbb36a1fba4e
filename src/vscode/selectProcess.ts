import * as vscode from 'vscode';
import { inertQuickPickText } from '../core/text/inertText';
import { Commands } from '../shared/commandIds';
import { SECTION, settingsTarget } from './configuration';
import { MonitorLog } from './log';

/** A listening process offered in the QuickPick (from the core locator). */
export interface ProcessCandidate {
  readonly pid: number;
  readonly ports: readonly number[];
  readonly executable: string;
  readonly commandLine: string;
  readonly chatLikeScore: number;
}

export interface CandidateLister {
  listCandidates(): Promise<readonly ProcessCandidate[]>;
}

interface CandidateItem extends vscode.QuickPickItem {
  readonly candidate?: ProcessCandidate;
  readonly manual?: 'port' | 'pattern';
}

/**
 * "Select Process to Watch": listening processes, chat-server-like ones first.
 * The choice is saved as the port when there is one (it survives restarts),
 * otherwise as the PID; the other target settings are cleared so the choice wins.
 */
export function registerSelectProcess(lister: CandidateLister, log: MonitorLog): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.selectProcess, async () => {
    const pick = vscode.window.createQuickPick<CandidateItem>();
    pick.title = vscode.l10n.t('Chat-Room Monitor: Select Process to Watch');
    pick.placeholder = vscode.l10n.t('Pick the chat server (listening processes; chat-server-like ones first)');
    pick.matchOnDetail = true;
    pick.busy = true;
    pick.show();
    try {
      const candidates = [...(await lister.listCandidates())].sort((a, b) => b.chatLikeScore - a.chatLikeScore || a.pid - b.pid);
      const items: CandidateItem[] = candidates.map((c) => ({
        // The name and command line come from the process: inert (no icon, bidi named).
        label: `$(server-process) ${inertQuickPickText(c.executable, 80)}`,
        description: `pid ${c.pid}${c.ports.length ? ` · ${vscode.l10n.t('port {0}', c.ports.join(', '))}` : ''}`,
        detail: inertQuickPickText(c.commandLine, 400),
        candidate: c,
      }));
      items.push(
        { label: '', kind: vscode.QuickPickItemKind.Separator },
        { label: `$(edit) ${vscode.l10n.t('Enter a port…')}`, manual: 'port' },
        { label: `$(regex) ${vscode.l10n.t('Enter a command-line pattern…')}`, manual: 'pattern' },
      );
      pick.items = items;
    } catch (err) {
      log.error(vscode.l10n.t('Could not list listening processes: {0}', (err as Error).message));
      pick.items = [{ label: `$(edit) ${vscode.l10n.t('Enter a port…')}`, manual: 'port' }];
    }
    pick.busy = false;
    const chosen = await new Promise<CandidateItem | undefined>((resolve) => {
      pick.onDidAccept(() => resolve(pick.selectedItems[0]));
      pick.onDidHide(() => resolve(undefined));
    });
    pick.dispose();
    if (!chosen) {
      return undefined;
    }
    const config = vscode.workspace.getConfiguration(SECTION);
    const where = settingsTarget();
    if (chosen.manual === 'port') {
      const text = await vscode.window.showInputBox({
        title: vscode.l10n.t('Port the chat server listens on'),
        placeHolder: '8080',
        validateInput: (v) => (/^\d+$/.test(v) && +v >= 1 && +v <= 65535 ? undefined : vscode.l10n.t('Enter a TCP port from 1 to 65535.')),
      });
      if (!text) {
        return undefined;
      }
      await saveTarget(config, where, { port: Number(text) });
      return Number(text);
    }
    if (chosen.manual === 'pattern') {
      const text = await vscode.window.showInputBox({
        title: vscode.l10n.t('Regular expression matched against the command line'),
        placeHolder: 'node .*server\\.js',
        validateInput: (v) => {
          try {
            new RegExp(v);
            return v ? undefined : vscode.l10n.t('Enter a regular expression.');
          } catch (err) {
            return vscode.l10n.t('Not a valid regular expression: {0}', (err as Error).message);
          }
        },
      });
      if (!text) {
        return undefined;
      }
      await saveTarget(config, where, { commandPattern: text });
      return text;
    }
    const c = chosen.candidate!;
    await saveTarget(config, where, c.ports.length ? { port: c.ports[0]! } : { pid: c.pid });
    log.info(c.ports.length ? vscode.l10n.t('Selected pid {0} ({1}) on port {2} to watch.', c.pid, c.executable, c.ports[0]!) : vscode.l10n.t('Selected pid {0} ({1}) to watch.', c.pid, c.executable));
    return c.pid;
  });
}

async function saveTarget(
  config: vscode.WorkspaceConfiguration,
  where: vscode.ConfigurationTarget,
  t: { pid?: number; port?: number; commandPattern?: string },
): Promise<void> {
  // Clear first so that, for a moment, no stale higher-priority setting wins.
  await config.update('target.pid', t.pid ?? undefined, where);
  await config.update('target.commandPattern', t.commandPattern ?? undefined, where);
  await config.update('target.port', t.port ?? undefined, where);
}
