import assert from 'node:assert/strict';
import { compileAlertRules } from '../../../src/core/alerts/defaults';
import { TraceWatcher } from '../../../src/core/traces/traceWatcher';
import { Rig } from '../alerts/helpers';
import { span } from './helpers';

/**
 * The span RED series reach the alert engine unchanged: the built-in rule on
 * trace_duration_seconds_p95 fires per operation, named by its labels, and resolves.
 */
describe('alerts on the trace RED series', () => {
  it('a slow operation fires operation-latency-p95 with its name after a minute, and resolves when it is fast again', async () => {
    const { rules, problems } = compileAlertRules([]);
    assert.deepEqual(problems, []);
    const rig = new Rig(rules);
    const watcher = new TraceWatcher({ clock: rig.clock, port: 0 });
    const source = watcher.tickSource();
    let n = 0;
    const second = async (durationMs: number) => {
      const now = rig.clock.now() + rig.intervalMs;
      // Two messages a second: a slow server span each, and a fast one of another operation.
      watcher.ingest([0, 500].map((at) => span({ traceId: (++n).toString(16), name: 'POST /messages', kind: 'server', startMs: now - 1000 + at - durationMs, durationMs })), now);
      watcher.ingest([span({ traceId: (++n).toString(16), name: 'GET /healthz', kind: 'server', startMs: now - 5, durationMs: 2 })], now);
      const out = await source.collect({ nowMs: now, target: { kind: 'unconfigured', message: '' } });
      return rig.tick(out.samples.map((s) => ({ name: s.name, labels: s.labels, value: s.value })));
    };
    for (let i = 0; i < 90; i++) await second(800);
    const firing = rig.engine.active().filter((a) => a.ruleId === 'operation-latency-p95');
    assert.deepEqual(firing.map((a) => [a.state, a.labels.operation, a.labels.service]), [['firing', 'POST /messages', 'chat-server']]);
    assert.match(firing[0]!.title, /^Slow operation POST \/messages$/);
    // Fast again: the 30 s window empties of slow spans, the p95 falls below the clear threshold.
    for (let i = 0; i < 45; i++) await second(20);
    assert.deepEqual(rig.engine.active().filter((a) => a.ruleId === 'operation-latency-p95'), []);
    assert.ok(rig.all.some((t) => t.alert.ruleId === 'operation-latency-p95' && t.to === 'resolved'));
    watcher.dispose();
  });
});
