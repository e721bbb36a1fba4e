import assert from 'node:assert/strict';
import { BACKOFF_MULTIPLIER, describeExit, RestartPolicy, SupervisionPolicy } from '../../../src/core/supervise/policy';

const POLICY: SupervisionPolicy = { minUptimeMs: 1000, maxRestarts: 4, windowMs: 60_000, firstDelayMs: 100, maxDelayMs: 400, killTimeoutMs: 1000 };

/** Feeds exits of `uptimeMs` each, back to back from `t`; returns the decisions. */
function crash(p: RestartPolicy, startMs: number, uptimes: number[]) {
  let t = startMs;
  return uptimes.map((u) => {
    const d = p.onUnexpectedExit({ startedAtMs: t, exitedAtMs: t + u, exitCode: 1, signal: null });
    t += u + (d.action === 'restart' ? d.delayMs : 0);
    return d;
  });
}

describe('supervise/policy', () => {
  it('grows the delay ×1.5 from the first delay up to the cap', () => {
    const p = new RestartPolicy({ ...POLICY, maxRestarts: 100 });
    const delays = crash(p, 0, [200, 200, 200, 200, 200, 200]).map((d) => (d.action === 'restart' ? d.delayMs : -1));
    assert.equal(BACKOFF_MULTIPLIER, 1.5);
    assert.deepEqual(delays, [100, 150, 225, 338, 400, 400]);
  });

  it('counts a run shorter than minUptime as unstable, and one of minUptime or more as stable', () => {
    const p = new RestartPolicy(POLICY);
    const [a, b] = crash(p, 0, [999, 1000]);
    assert.equal(a!.unstable, true);
    assert.equal(b!.unstable, false);
  });

  it('gives up when more than maxRestarts unstable runs end within the window, listing them', () => {
    const p = new RestartPolicy(POLICY);
    const ds = crash(p, 0, [200, 200, 200, 200, 200]);
    assert.deepEqual(
      ds.map((d) => d.action),
      ['restart', 'restart', 'restart', 'restart', 'giveUp'],
    );
    const last = ds[4]!;
    assert.equal(last.action, 'giveUp');
    assert.equal(last.action === 'giveUp' && last.exits.length, 5);
    assert.equal(last.unstableInWindow, 5);
  });

  it('forgets unstable runs that left the window', () => {
    const p = new RestartPolicy({ ...POLICY, windowMs: 1000 });
    // Each crash 200 ms after a start, restarts 100…400 ms later: by the fourth only recent ones count.
    const ds = crash(p, 0, [200, 200, 200, 200, 200, 200, 200, 200]);
    assert.ok(ds.every((d) => d.action === 'restart'), JSON.stringify(ds.map((d) => d.unstableInWindow)));
    assert.ok(Math.max(...ds.map((d) => d.unstableInWindow)) <= 4);
  });

  it('resets the backoff and the unstable count after a stable run', () => {
    const p = new RestartPolicy(POLICY);
    const before = crash(p, 0, [200, 200, 200]);
    assert.deepEqual(before.map((d) => d.action === 'restart' && d.delayMs), [100, 150, 225]);
    const [stable, ...after] = crash(p, 10_000, [5000, 200, 200, 200, 200, 200]);
    assert.equal(stable!.action === 'restart' && stable!.delayMs, 100, 'a stable run restarts after the first delay');
    assert.equal(stable!.unstableInWindow, 0);
    assert.deepEqual(
      after.map((d) => d.action),
      ['restart', 'restart', 'restart', 'restart', 'giveUp'],
      'the crash-loop count starts again from zero',
    );
  });

  it('describes exits in words', () => {
    assert.equal(describeExit({ exitCode: 1, signal: null }), 'exit code 1');
    assert.equal(describeExit({ exitCode: null, signal: 'SIGKILL' }), 'signal SIGKILL');
  });
});
