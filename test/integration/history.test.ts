import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { startNode } from '../e2e/support/childProcesses';
import { examplesDir } from './support/loadGenerator';
import { harnessEnv, monitorApi, waitFor, withWorkspaceSettings } from './support/monitorApi';

interface RunsApi {
  runs(): Promise<readonly { pid: number; commit: string | null; dirty: boolean | null; vcsNote?: string; ended: boolean }[]>;
}

describe('History: runs of the watched server', () => {
  it('the example server is a run in the history on disk, and the log says in a sentence why it has no commit (git is off in the test profile)', async function () {
    this.timeout(30000);
    const api = (await monitorApi()) as unknown as Awaited<ReturnType<typeof monitorApi>> & RunsApi;
    const pid = Number(harnessEnv('CRM_TEST_SERVER_PID'));
    await waitFor('the server to be watched', () => api.targetState().kind === 'running', 15000, () => JSON.stringify(api.targetState()));
    let last = '';
    const deadline = Date.now() + 20000;
    let run: Awaited<ReturnType<RunsApi['runs']>>[number] | undefined;
    while (!run && Date.now() < deadline) {
      const runs = await api.runs();
      last = JSON.stringify(runs);
      run = runs.find((r) => r.pid === pid && !r.ended);
      if (!run) {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    assert.ok(run, `no open run for pid ${pid}: ${last}`);
    // The test profile sets git.enabled false: the run is kept, untagged, and says why.
    assert.strictEqual(run.commit, null);
    assert.match(run.vcsNote ?? '', /git is turned off in VS Code \(git\.enabled\)/);
    assert.ok(
      api.logLines().some((l) => l.includes(`Run started: server pid ${pid}, no commit (git is turned off`)),
      `no "Run started" line: ${api.logLines().filter((l) => l.includes('Run')).join(' | ')}`,
    );
  });
});

describe('Compare Runs…', function () {
  this.timeout(120_000);
  let server: ReturnType<typeof startNode> | undefined;
  let restore: (() => Promise<void>) | undefined;

  after(async () => {
    await restore?.();
    await server?.stop();
  });

  it('a second server is a second run; Compare Runs with both ids opens a Markdown comparison a figure a row', async () => {
    const api = (await monitorApi()) as unknown as Awaited<ReturnType<typeof monitorApi>> & RunsApi;
    const first = Number(harnessEnv('CRM_TEST_SERVER_PID'));
    // The first server's run needs its 20-odd seconds too (when this file runs alone).
    await waitForRun(api, first, 30_000);
    const src = path.join(examplesDir(), 'chat-server');
    const repoModules = path.resolve(examplesDir(), '..', 'node_modules');
    const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1', NODE_PATH: [path.join(src, 'node_modules'), repoModules].join(path.delimiter) };
    server = startNode(path.join(src, 'server.js'), ['--port', '0'], env);
    const port = Number(await waitFor('a second chat server to listen', () => /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(server!.output())?.[1], 20_000, () => server!.output()));
    const pid = server.child.pid!;
    restore = await withWorkspaceSettings({ 'target.port': port, 'metrics.url': `http://127.0.0.1:${port}/metrics` });
    // The comparison's figures need 20 seconds a side (ticks may be skipped on a loaded machine).
    const runs = await waitForRun(api, pid, 30_000);
    const base = [...runs].reverse().find((r) => r.pid === first) as unknown as { id: string } | undefined;
    const head = runs.at(-1) as unknown as { id: string };
    assert.ok(base, `no run of the first server (pid ${first}): ${JSON.stringify(runs)}`);
    const result = await vscode.commands.executeCommand<{ document: vscode.TextDocument; comparison: { figures: { id: string; verdict: string; headSamples: number }[] } } | undefined>('chatroomMonitor.compareRuns', base.id, head.id);
    assert.ok(result, 'compareRuns with two ids returned nothing');
    const text = result.document.getText();
    assert.strictEqual(result.document.languageId, 'markdown');
    assert.match(text, /^# Run comparison/m);
    assert.match(text, new RegExp(`\\*\\*Base:\\*\\* run of .*\\(pid ${first}, .*no commit \\(git is turned off`));
    assert.match(text, new RegExp(`\\*\\*Head:\\*\\* run of .*\\(pid ${pid}, `));
    const cpu = result.comparison.figures.find((f) => f.id === 'cpuPercent');
    assert.ok(cpu && cpu.headSamples >= 20, JSON.stringify(result.comparison.figures));
    assert.match(text, /^\| Server CPU \(% of a core\) \| [\d.]+ \| [\d.]+ \| [-+][\d.]+% \| .* \| (\*\*regression\*\*|improvement|no significant change) \|$/m);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});

/** Waits until the newest run is `pid`'s (or any run of `pid`) and at least `ageMs` old; returns the runs. */
async function waitForRun(api: RunsApi, pid: number, ageMs: number): Promise<Awaited<ReturnType<RunsApi['runs']>>> {
  const deadline = Date.now() + ageMs + 60_000;
  for (;;) {
    const runs = await api.runs();
    const run = [...runs].reverse().find((r) => r.pid === pid) as unknown as { startMs: number } | undefined;
    if (run && Date.now() - run.startMs > ageMs) {
      return runs;
    }
    assert.ok(Date.now() < deadline, `no ${ageMs / 1000} s run of pid ${pid}: ${JSON.stringify(runs)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
