/**
 * The workspace's commit, dirty state and branch through VS Code's own Git
 * extension (its API, version 1): no `git` process of ours, and what the Source
 * Control view shows is what a run is tagged with. Read once per run start; and
 * HEAD is watched, so a commit made while the monitor runs is a moment on the charts.
 */
import * as vscode from 'vscode';
import type { VcsNoteCode, VcsReading } from '../core/runs/runs';

/** Why there is no commit to tag a run with (the sentence is written at display). */
type VcsNote = { readonly noteCode: VcsNoteCode; readonly detail?: string };
import { isNewCommit } from '../core/runs/timelineMarkers';

/** The part of the Git extension's API (extensions/git/src/api/git.d.ts) read here. */
interface GitApi {
  readonly state: 'uninitialized' | 'initialized';
  readonly onDidChangeState: vscode.Event<'uninitialized' | 'initialized'>;
  readonly onDidOpenRepository: vscode.Event<GitRepository>;
  readonly repositories: readonly GitRepository[];
  getRepository(uri: vscode.Uri): GitRepository | null;
}
interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: {
    readonly HEAD: { readonly name?: string; readonly commit?: string } | undefined;
    readonly workingTreeChanges: readonly unknown[];
    readonly indexChanges: readonly unknown[];
    readonly mergeChanges: readonly unknown[];
    readonly onDidChange: vscode.Event<void>;
  };
  getCommit(ref: string): Promise<{ readonly hash: string; readonly message: string; readonly parents: readonly string[]; readonly commitDate?: Date }>;
}
interface GitExtension {
  readonly enabled: boolean;
  readonly onDidChangeEnablement: vscode.Event<boolean>;
  getAPI(version: 1): GitApi;
}

/** How long the first reading waits for the Git extension to find the repository. */
const INIT_WAIT_MS = 5000;

export async function readWorkspaceGit(folder: vscode.Uri | undefined): Promise<VcsReading> {
  const repo = await findRepository(folder);
  if ('noteCode' in repo) {
    return repo;
  }
  const head = repo.state.HEAD;
  if (!head?.commit) {
    return { noteCode: 'noCommitYet' };
  }
  const s = repo.state;
  return { commit: head.commit, dirty: s.workingTreeChanges.length + s.indexChanges.length + s.mergeChanges.length > 0, ...(head.name ? { branch: head.name } : {}) };
}

/**
 * Calls `onCommit` for each commit made in the workspace's repository from now on
 * (HEAD moving to a commit made in the last minutes — not a checkout or a pull:
 * isNewCommit). A repository that appears later (`git init` while watching) or
 * Git turned on later (git.enabled) is watched from then on; nothing without the
 * Git extension.
 */
export async function watchWorkspaceCommits(
  folder: vscode.Uri | undefined,
  onCommit: (timeMs: number, commit: { hash: string; subject: string }) => void,
  log: (line: string) => void = () => undefined,
): Promise<vscode.Disposable> {
  // No folder or no Git extension: nothing to watch (readWorkspaceGit says why once per run).
  const git = folder ? await startGitExtension() : undefined;
  if (!folder || !git || 'noteCode' in git) {
    return { dispose: () => undefined };
  }
  const subscriptions: vscode.Disposable[] = [];
  let watching = false;
  const attach = (repo: GitRepository | null) => {
    if (repo && !watching) {
      watching = true;
      log(vscode.l10n.t('Commits made in {0} are drawn on the charts (HEAD {1}).', repo.rootUri.fsPath, repo.state.HEAD?.commit?.slice(0, 7) ?? vscode.l10n.t('not read yet')));
      subscriptions.push(watchHead(repo, onCommit, log));
    }
  };
  const withApi = (g: GitExtension) => {
    const api = g.getAPI(1);
    attach(api.getRepository(folder));
    subscriptions.push(api.onDidOpenRepository(() => attach(api.getRepository(folder))));
  };
  if (git.enabled) {
    withApi(git);
  } else {
    const g = git;
    const enabled = g.onDidChangeEnablement((on) => {
      if (on) {
        enabled.dispose();
        withApi(g);
      }
    });
    subscriptions.push(enabled);
  }
  return { dispose: () => subscriptions.forEach((d) => d.dispose()) };
}

function watchHead(repo: GitRepository, onCommit: (timeMs: number, commit: { hash: string; subject: string }) => void, log: (line: string) => void): vscode.Disposable {
  let previous = repo.state.HEAD?.commit;
  return repo.state.onDidChange(() => {
    const hash = repo.state.HEAD?.commit;
    if (!hash || hash === previous) {
      return;
    }
    const before = previous;
    previous = hash;
    const seenMs = Date.now();
    repo.getCommit(hash).then(
      (c) => {
        if (isNewCommit(before, { hash: c.hash, parents: c.parents, commitDateMs: c.commitDate?.getTime() }, seenMs)) {
          onCommit(seenMs, { hash: c.hash, subject: c.message.split('\n')[0] ?? '' });
        } else {
          log(vscode.l10n.t('HEAD moved to {0}, not a commit made now (a checkout, a pull or the first reading): no line on the charts.', c.hash.slice(0, 7)));
        }
      },
      (e: unknown) => log(vscode.l10n.t('HEAD moved to {0}, which could not be read ({1}): no line on the charts.', hash.slice(0, 7), e instanceof Error ? e.message : String(e))),
    );
  });
}

/** VS Code's Git extension, started (it may still be turned off: `enabled`), or why not. */
async function startGitExtension(): Promise<GitExtension | VcsNote> {
  const ext = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!ext) {
    return { noteCode: 'gitUnavailable' };
  }
  try {
    const git = ext.isActive ? ext.exports : await ext.activate();
    return git ?? { noteCode: 'gitNoApi' };
  } catch (e) {
    return { noteCode: 'gitFailed', detail: e instanceof Error ? e.message : String(e) };
  }
}

async function findRepository(folder: vscode.Uri | undefined): Promise<GitRepository | VcsNote> {
  if (!folder) {
    return { noteCode: 'noFolder' };
  }
  const git = await startGitExtension();
  if ('noteCode' in git) {
    return git;
  }
  if (!git.enabled) {
    return { noteCode: 'gitDisabled' };
  }
  const api = git.getAPI(1);
  if (api.state !== 'initialized') {
    await waitFor(api.onDidChangeState, INIT_WAIT_MS);
  }
  // The repository is opened a little after initialisation; give it the same wait.
  let repo = api.getRepository(folder);
  const until = Date.now() + INIT_WAIT_MS;
  while (!repo && api.repositories.length === 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 250));
    repo = api.getRepository(folder);
  }
  repo ??= api.getRepository(folder);
  if (!repo) {
    return { noteCode: 'notRepository' };
  }
  return repo;
}

function waitFor(event: vscode.Event<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    const sub = event(done);
    function done(): void {
      clearTimeout(timer);
      sub.dispose();
      resolve();
    }
  });
}
