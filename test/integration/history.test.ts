import * as assert from 'assert';
import { harnessEnv, monitorApi, waitFor } from './support/monitorApi';

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
