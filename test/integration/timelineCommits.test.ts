/**
 * A commit made while the monitor watches is a moment on the charts (issue 17), through
 * VS Code's real Git extension: the test profile starts with git.enabled false, so this
 * also proves a repository that appears and Git turned on after activation are watched.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { monitorApi, waitFor } from './support/monitorApi';

interface TimelineApi {
  logLines(): string[];
  timeline(fromMs: number): readonly { kind: string; fromMs: number; label: string }[];
}

describe('git commits on the charts', function () {
  this.timeout(60_000);

  it('a commit made in the workspace while watching becomes a commit marker with its hash and subject, after git init and Git turned on', async () => {
    const api = (await monitorApi()) as unknown as TimelineApi;
    const ws = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const git = (...args: string[]) => execFileSync('git', ['-C', ws, ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.invalid' } }).trim();
    const dotGit = path.join(ws, '.git');
    assert.ok(!fs.existsSync(dotGit), 'the test workspace is already a repository');
    const fromMs = Date.now();
    git('init', '-q', '-b', 'main');
    git('commit', '-q', '--allow-empty', '-m', 'first commit before Git is on');
    const first = git('rev-parse', 'HEAD');
    const gitSettings = vscode.workspace.getConfiguration('git');
    await gitSettings.update('enabled', true, vscode.ConfigurationTarget.Workspace);
    try {
      // Open, and its status read: a HEAD first seen is where the watch starts, not a new commit
      // (on a loaded machine the status can come after the next commit, which would then be missed).
      await waitFor('the Git extension to open the workspace repository and read its HEAD', () => {
        const g = vscode.extensions.getExtension<{ enabled: boolean; getAPI(v: 1): { repositories: readonly { rootUri: vscode.Uri; state: { HEAD?: { commit?: string } } }[] } }>('vscode.git')?.exports;
        return g?.enabled && g.getAPI(1).repositories.some((r) => r.rootUri.fsPath === ws && r.state.HEAD?.commit === first);
      }, 30_000);
      // The first HEAD the watch reads after the repository opened is where it starts (a status read
      // can come after a commit on a loaded machine): commit A until the watch has seen it, then B is
      // a commit made while watching, whatever the order of the Git extension's status reads.
      const refresh = () => vscode.commands.executeCommand('git.refresh');
      const repoHead = () => vscode.extensions.getExtension<{ getAPI(v: 1): { repositories: readonly { rootUri: vscode.Uri; state: { HEAD?: { commit?: string } } }[] } }>('vscode.git')?.exports.getAPI(1).repositories.map((r) => `${r.rootUri.fsPath} HEAD ${r.state.HEAD?.commit ?? '-'}`).join(', ');
      const diagnosis = () => `${JSON.stringify(api.timeline(fromMs))}; Git's repositories: ${repoHead()}; log: ${api.logLines().filter((l) => /HEAD|[Cc]ommit/.test(l)).slice(-6).join(' | ')}`;
      git('commit', '-q', '--allow-empty', '-m', 'commit A');
      const a = git('rev-parse', 'HEAD');
      await refresh();
      await waitFor('the watch to have seen commit A', () => api.timeline(fromMs).some((m) => m.label.startsWith(a.slice(0, 7))) || api.logLines().some((l) => l.includes(`HEAD moved to ${a.slice(0, 7)}`)), 20_000, diagnosis);
      const subject = 'Make rooms faster [x](command:workbench.action.quit) $(zap)';
      git('commit', '-q', '--allow-empty', '-m', `${subject}\n\nbody line`);
      const hash = git('rev-parse', 'HEAD');
      await refresh();
      const marker = await waitFor('the commit marker', () => api.timeline(fromMs).find((m) => m.kind === 'commit' && m.label.startsWith(hash.slice(0, 7))), 20_000, diagnosis);
      assert.ok(marker.label.startsWith(`${hash.slice(0, 7)} Make rooms faster`), marker.label);
      assert.ok(!marker.label.includes('body line'), 'the subject is the first line only');
      assert.ok(!api.timeline(fromMs).some((m) => m.label.startsWith(first.slice(0, 7))), 'the commit made before Git was on is not a moment of this session');
      assert.ok(marker.fromMs >= fromMs && marker.fromMs <= Date.now());
    } finally {
      await gitSettings.update('enabled', undefined, vscode.ConfigurationTarget.Workspace);
      fs.rmSync(dotGit, { recursive: true, force: true });
    }
  });
});
