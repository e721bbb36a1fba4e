import * as assert from 'assert';
import { Metric } from '../../src/core/model';
import { monitorApi, waitFor, withWorkspaceSettings } from './support/monitorApi';

const threads = { metric: Metric.processThreads, op: '>', threshold: 0, level: 'warning' };

/** Each bad rule, and what its log sentence must name besides the rule id. */
const BAD: { rule: Record<string, unknown>; field: RegExp }[] = [
  { rule: { ...threads, id: 'bad-rules-op', op: '>>' }, field: /"op"/ },
  { rule: { id: 'bad-rules-threshold', metric: Metric.processThreads, op: '>', level: 'warning' }, field: /"threshold"/ },
  { rule: { ...threads, id: 'bad-rules-level', level: 'severe' }, field: /"level"/ },
  { rule: { ...threads, id: 'bad-rules-regex', labels: { job: '=~(unclosed' } }, field: /label "job".*regex/ },
  { rule: { ...threads, id: 'bad-rules-for', for: '-5s' }, field: /"for"/ },
];
// Info: it shows in the alert list but not as a notification (minimumLevel is warning),
// so this test leaves the storm guard's minute to the others.
const GOOD = { ...threads, id: 'bad-rules-good', level: 'info' };

describe('bad alert rules in chatroomMonitor.alerts.rules', () => {
  it('log one sentence per bad rule naming the rule and the field, while the good rule still fires', async function () {
    this.timeout(30000);
    const api = await monitorApi();
    const restore = await withWorkspaceSettings({ 'alerts.rules': [...BAD.map((b) => b.rule), GOOD] });
    try {
      for (const { rule, field } of BAD) {
        const id = String(rule.id);
        const line = await waitFor(`a log line about "${id}"`, () => api.logLines().find((l) => l.includes(`"${id}"`)), 10000, () => api.logLines().slice(-6).join(' | '));
        assert.match(line, field, `the sentence about "${id}" does not name the field: ${line}`);
        assert.match(line, /chatroomMonitor\.alerts\.rules/, `the sentence does not name the setting: ${line}`);
        assert.doesNotMatch(line, /\n\s+at /, `a stack trace instead of a sentence: ${line}`);
        assert.ok(line.length < 400, `the sentence is ${line.length} characters long: ${line}`);
      }
      await waitFor('the good rule to fire next to the bad ones', () => api.activeAlerts().some((a) => a.ruleId === GOOD.id && a.state === 'firing'), 10000, () => JSON.stringify(api.activeAlerts()));
      for (const { rule } of BAD) {
        assert.ok(!api.activeAlerts().some((a) => a.ruleId === rule.id), `bad rule "${String(rule.id)}" was evaluated anyway`);
      }
      // The problems reach the status bar tooltip too, and the API keeps answering.
      assert.ok(api.statusBar().tooltip.includes('bad\\-rules\\-op') || api.statusBar().tooltip.includes('bad-rules-op'), `the tooltip does not mention the bad rules: ${api.statusBar().tooltip.slice(-600)}`);
      assert.doesNotThrow(() => {
        api.targetState();
        api.latestSnapshot();
        api.notifications();
      });
    } finally {
      await restore();
    }
    await waitFor('the good rule to go with the setting', () => !api.activeAlerts().some((a) => a.ruleId === GOOD.id), 10000, () => JSON.stringify(api.activeAlerts()));
  });
});
