import assert from 'node:assert/strict';
import { compileAlertRules, defaultRules, mergeRules } from '../../../src/core/alerts/defaults';
import { validateRules } from '../../../src/core/alerts/rule';
import { Metric } from '../../../src/core/model';

describe('default alert rules', () => {
  it('compile cleanly, with unique ids, and carry the seed’s thresholds', () => {
    const { rules, problems } = validateRules(defaultRules());
    assert.deepEqual(problems, []);
    const summary = rules.map((r) => `${r.id} ${r.metric} ${r.op} ${r.threshold} ${r.level} for ${r.forMs}ms`);
    assert.deepEqual(summary, [
      `process-cpu-warning ${Metric.processCpuPercent} > 80 warning for 30000ms`,
      `process-cpu-critical ${Metric.processCpuPercent} > 95 critical for 30000ms`,
      `system-memory-warning ${Metric.systemMemoryPercent} > 85 warning for 30000ms`,
      `system-memory-critical ${Metric.systemMemoryPercent} > 95 critical for 30000ms`,
      `system-disk-warning ${Metric.systemDiskPercent} > 90 warning for 60000ms`,
      `target-down ${Metric.targetUp} == 0 error for 5000ms`,
      'instance-down service_instance_up == 0 error for 0ms',
      'message-latency-p95 chat_message_latency_seconds_p95 > 0.5 warning for 60000ms',
      'operation-latency-p95 trace_duration_seconds_p95 > 0.5 warning for 60000ms',
      `log-error-rate ${Metric.logErrorsPerSecond} > 1 warning for 30000ms`,
    ]);
    assert.ok(rules.filter((r) => r.op === '>').every((r) => r.clearThreshold !== undefined && r.clearThreshold < r.threshold));
  });

  it('returns fresh objects each time (callers may change them)', () => {
    const a = defaultRules();
    (a[0] as { threshold: number }).threshold = 1;
    assert.equal((defaultRules()[0] as { threshold: number }).threshold, 80);
  });
});

describe('mergeRules / compileAlertRules', () => {
  it('a user rule with a built-in id changes only the fields it names; its clearThreshold follows the threshold', () => {
    const { rules, problems } = compileAlertRules([{ id: 'process-cpu-warning', threshold: 70 }]);
    assert.deepEqual(problems, []);
    const r = rules.find((x) => x.id === 'process-cpu-warning')!;
    assert.deepEqual([r.threshold, r.clearThreshold, r.forMs, r.level], [70, 65, 30_000, 'warning']);
  });

  it('changing the op of a built-in drops its clearThreshold instead of failing', () => {
    const { rules, problems } = compileAlertRules([{ id: 'system-disk-warning', op: '>=' }]);
    assert.deepEqual(problems, []);
    assert.equal(rules.find((x) => x.id === 'system-disk-warning')?.clearThreshold, undefined);
  });

  it('{ id, enabled: false } turns a built-in off; useDefaults: false drops them all', () => {
    const off = compileAlertRules([{ id: 'target-down', enabled: false }]);
    assert.deepEqual(off.problems, []);
    assert.equal(off.rules.length, defaultRules().length - 1);
    assert.ok(!off.rules.some((r) => r.id === 'target-down'));

    const mine = { id: 'users', metric: 'chat_active_users', op: '>', threshold: 100, level: 'info' };
    const only = compileAlertRules([mine], false);
    assert.deepEqual(only.rules.map((r) => r.id), ['users']);
  });

  it('adds user rules after the built-in ones, naming them by their own position', () => {
    const { rules, problems } = compileAlertRules([{ id: 'users', metric: 'chat_active_users', op: '>', threshold: 100, level: 'info' }, { id: 'bad', metric: 'x', op: '>', threshold: 1, level: 'x' }]);
    assert.equal(rules.at(-1)?.id, 'users');
    assert.deepEqual(problems, ['Alert rule "bad" (rule 2 of chatroomMonitor.alerts.rules): "level" is the text "x", not one of "info", "warning", "error", "critical".']);
  });

  it('names a broken override as a changed built-in rule', () => {
    const { problems } = compileAlertRules([{ id: 'process-cpu-critical', for: 'later' }]);
    assert.deepEqual(problems, ['Alert rule "process-cpu-critical" (built-in, changed by rule 1 of chatroomMonitor.alerts.rules): "for" "later" is not a duration; write it like "30s", "2m", "1h30m" or a number of seconds.']);
  });

  it('a second override of the same built-in is a duplicate', () => {
    const { problems } = compileAlertRules([{ id: 'target-down', for: '10s' }, { id: 'target-down', for: '20s' }]);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /"target-down" \(rule 2 of chatroomMonitor\.alerts\.rules\) repeats the id/);
  });

  it('bad setting types give one sentence each and fall back to the built-in rules', () => {
    const { rules, problems } = compileAlertRules('cpu>80', 'yes');
    assert.equal(rules.length, defaultRules().length);
    assert.deepEqual(problems, [
      'chatroomMonitor.alerts.useDefaults must be true or false, not the text "yes"; the built-in rules stay on.',
      'chatroomMonitor.alerts.rules must be a list of rules, not the text "cpu>80"; only the built-in rules apply.',
    ]);
    const merged = mergeRules(defaultRules(), undefined, undefined);
    assert.deepEqual(merged.problems, []);
    assert.equal(merged.entries.length, defaultRules().length);
  });
});
