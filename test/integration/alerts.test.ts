import * as assert from 'assert';
import * as vscode from 'vscode';
import type { Snapshot } from '../../src/core/model';
import { Metric } from '../../src/core/model';
import { RunningLoad, startLoad } from './support/loadGenerator';
import { ChatroomMonitorApi, harnessEnv, monitorApi, nextSnapshots, settings, waitFor, withWorkspaceSettings } from './support/monitorApi';

// The shared 2-core machine cannot be trusted to push the server past the built-in
// 80% for 30 s (busy with other work, it gave cpu-burn 20–30% of a core in one run),
// so the test workspace lowers the built-in rule the way a user would: a rule with
// the built-in id overrides its fields (its clearThreshold follows, 15%).
const THRESHOLD_PERCENT = 20;
const FOR_MS = 5000;
const RULE_ID = 'process-cpu-warning';
const TITLE = 'Chat server CPU high';
const LOAD_S = 40;

const isFiring = (api: ChatroomMonitorApi): boolean => api.activeAlerts().some((a) => a.ruleId === RULE_ID && a.state === 'firing');
const firingTexts = (api: ChatroomMonitorApi, from: number): string[] =>
  api.notifications().slice(from).map((n) => n.text).filter((t) => t.startsWith(TITLE));
const resolvedTexts = (api: ChatroomMonitorApi, from: number): string[] =>
  api.notifications().slice(from).map((n) => n.text).filter((t) => t.includes(`Resolved: ${TITLE}`));

function cpuOf(s: Snapshot): number | undefined {
  return s.samples.find((x) => x.name === Metric.processCpuPercent)?.value;
}

// One load phase serves every step: each `it` is a stage of the same alert's life.
describe('a CPU alert under cpu-burn load, as the user meets it', function () {
  let api: ChatroomMonitorApi;
  let load: RunningLoad | undefined;
  let restore: (() => Promise<void>) | undefined;
  let notificationsBefore = 0;
  const cpuSeen: number[] = [];
  let crossedAtMs: number | undefined;
  let firedAtMs: number | undefined;
  let watch: { dispose(): void } | undefined;

  before(async function () {
    this.timeout(30000);
    api = await monitorApi();
    await waitFor('the server to be watched', () => api.targetState().kind === 'running', 15000, () => JSON.stringify(api.targetState()));
    restore = await withWorkspaceSettings({ 'alerts.rules': [{ id: RULE_ID, threshold: THRESHOLD_PERCENT, for: `${FOR_MS / 1000}s` }] });
    // Two ticks: the new rule is in the engine, and the idle server does not fire it.
    await nextSnapshots(api, 2);
    assert.ok(!isFiring(api), `${RULE_ID} already fires before any load (CPU ${cpuSeen.join(', ')}): the test cannot see it start`);
    notificationsBefore = api.notifications().length;
    // The engine evaluates before the snapshot event, so each event sees that tick's alert state.
    watch = api.onSnapshot((s) => {
      const cpu = cpuOf(s);
      if (cpu !== undefined) {
        cpuSeen.push(Math.round(cpu));
      }
      if (firedAtMs !== undefined) {
        return;
      }
      if (isFiring(api)) {
        firedAtMs = s.timeMs;
      } else if (cpu !== undefined && cpu > THRESHOLD_PERCENT) {
        crossedAtMs ??= s.timeMs;
      } else {
        // `for` needs the condition to hold on every sample: a dip starts it over.
        crossedAtMs = undefined;
      }
    });
    load = startLoad({ port: Number(harnessEnv('CRM_TEST_SERVER_PORT')), scenario: 'cpu-burn', users: 20, rate: 5, durationS: LOAD_S });
  });

  after(async function () {
    this.timeout(20000);
    watch?.dispose();
    await load?.stop();
    await restore?.();
  });

  it(`fires ${RULE_ID} within for + 2 sample intervals of CPU crossing ${THRESHOLD_PERCENT}%`, async function () {
    this.timeout(45000);
    await waitFor(`${RULE_ID} to fire under cpu-burn`, () => firedAtMs !== undefined, 35000, () => `CPU % per tick: ${cpuSeen.join(', ')}; load: ${load?.output().slice(-300)}`);
    assert.ok(crossedAtMs !== undefined, `${RULE_ID} fired but no tick showed CPU above ${THRESHOLD_PERCENT}% first (CPU: ${cpuSeen.join(', ')})`);
    const intervalMs = settings().get<number>('sampleIntervalMs') ?? 1000;
    const tookMs = firedAtMs! - crossedAtMs;
    assert.ok(tookMs >= FOR_MS, `fired ${tookMs} ms after CPU crossed ${THRESHOLD_PERCENT}%, before its for of ${FOR_MS} ms`);
    assert.ok(tookMs <= FOR_MS + 2 * intervalMs, `fired ${tookMs} ms after CPU crossed ${THRESHOLD_PERCENT}%, later than for ${FOR_MS} ms + 2 × ${intervalMs} ms`);
  });

  it('shows exactly one warning notification for it, mentioning CPU, and no duplicate while it keeps firing', async function () {
    this.timeout(20000);
    await waitFor('the warning notification', () => firingTexts(api, notificationsBefore).length > 0, 5000, () => JSON.stringify(api.notifications().slice(notificationsBefore)));
    // Three more ticks of the same firing state must not notify again.
    await nextSnapshots(api, 3);
    assert.ok(isFiring(api), `${RULE_ID} stopped firing under load (CPU ${cpuSeen.slice(-5).join(', ')})`);
    const mine = api.notifications().slice(notificationsBefore).filter((n) => n.text.startsWith(TITLE));
    assert.strictEqual(mine.length, 1, `expected one notification for ${RULE_ID}, got ${mine.length}: ${JSON.stringify(mine)}`);
    assert.strictEqual(mine[0]!.level, 'warning');
    assert.match(mine[0]!.text, /CPU/);
    assert.match(mine[0]!.text, new RegExp(`${THRESHOLD_PERCENT}`), `the notification does not give the threshold: ${mine[0]!.text}`);
  });

  it('colours the status bar with the warning background and lists the alert in its tooltip', async function () {
    this.timeout(10000);
    const bar = await waitFor('a status bar background while the alert fires', () => (api.statusBar().backgroundColor ? api.statusBar() : undefined), 5000, () => JSON.stringify(api.statusBar()));
    const severe = api.activeAlerts().some((a) => a.state === 'firing' && (a.level === 'error' || a.level === 'critical'));
    // errorBackground is right only when something worse than a warning fires too.
    assert.strictEqual(bar.backgroundColor, severe ? 'statusBarItem.errorBackground' : 'statusBarItem.warningBackground');
    assert.match(bar.tooltip, /Active alerts \(\d+\)/);
    assert.ok(bar.tooltip.includes(TITLE), `the tooltip does not list "${TITLE}": ${bar.tooltip}`);
  });

  it('snoozeAlerts("all", 5) keeps the alert listed but quiet; clearSnooze brings the colour back', async function () {
    this.timeout(20000);
    const count = api.notifications().length;
    const ok = await vscode.commands.executeCommand<boolean>('chatroomMonitor.snoozeAlerts', 'all', 5);
    assert.strictEqual(ok, true, 'snoozeAlerts("all", 5) returned false');
    await waitFor('the status bar to drop the warning colour while snoozed', () => api.statusBar().backgroundColor === undefined, 5000, () => JSON.stringify(api.statusBar()));
    assert.ok(api.statusBar().tooltip.includes('snoozed'), `the tooltip does not say the alert is snoozed: ${api.statusBar().tooltip}`);
    await nextSnapshots(api, 2);
    assert.ok(isFiring(api), 'a snoozed alert must still be listed as firing');
    assert.deepStrictEqual(api.notifications().slice(count), [], 'a notification was shown while all alerts were snoozed');

    await vscode.commands.executeCommand('chatroomMonitor.clearSnooze');
    await waitFor('the warning colour to come back after clearSnooze', () => api.statusBar().backgroundColor !== undefined, 5000, () => JSON.stringify(api.statusBar()));
    assert.ok(isFiring(api), `${RULE_ID} is no longer listed after clearSnooze`);
    assert.ok(!api.statusBar().tooltip.includes('snoozed'), `the tooltip still says snoozed: ${api.statusBar().tooltip}`);
  });

  it('says "resolved" once, in one notification, after the load stops', async function () {
    this.timeout(30000);
    await load?.stop();
    await waitFor(`${RULE_ID} to resolve after the load stopped`, () => !api.activeAlerts().some((a) => a.ruleId === RULE_ID), 20000, () => `CPU % per tick: ${cpuSeen.slice(-10).join(', ')}`);
    await waitFor('the resolved notification', () => resolvedTexts(api, notificationsBefore).length > 0, 5000, () => JSON.stringify(api.notifications().slice(notificationsBefore)));
    await nextSnapshots(api, 3);
    const resolved = resolvedTexts(api, notificationsBefore);
    assert.strictEqual(resolved.length, 1, `expected one resolved notification, got ${resolved.length}: ${resolved.join(' | ')}`);
    await waitFor('the status bar colour to clear', () => api.statusBar().backgroundColor === undefined, 5000, () => JSON.stringify(api.statusBar()));
  });
});
