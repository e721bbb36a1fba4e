import assert from 'node:assert/strict';
import { AlertNotification, GroupedSummary, notificationFor, notificationText, NotificationThrottle } from '../../../src/core/alerts/notificationThrottle';
import { compileTemplate, renderTemplate, TEMPLATE_VARIABLES, TemplateVariable } from '../../../src/core/alerts/template';
import { visibleText } from '../../../src/core/text/inertText';
import { HOSTILE_CORPUS } from '../text/hostileCorpus';
import { iconCount, notificationLinkCount, read } from '../text/renderers';
import { AlertLevel } from '../../../src/shared/vocabulary';
import { fakeClock } from '../helpers/fakeClock';
import { compile, Rig } from './helpers';

function n(i: number, level: AlertLevel = 'warning', kind: 'firing' | 'resolved' = 'firing'): AlertNotification {
  return { alertId: `a${i}`, level, kind, title: `Alert ${i}`, message: `m${i}` };
}

describe('NotificationThrottle', () => {
  it('shows 3 per rolling minute and emits the rest once, as a summary, when the window has room', () => {
    const clock = fakeClock();
    const throttle = new NotificationThrottle(clock);
    const summaries: GroupedSummary[] = [];
    throttle.onSummary((s) => summaries.push(s));
    assert.deepEqual([1, 2, 3, 4, 5].map((i) => throttle.offer(n(i))), ['show', 'show', 'show', 'grouped', 'grouped']);
    assert.equal(throttle.flush(), undefined, 'the window is still full');
    clock.tick(59_999);
    assert.equal(summaries.length, 0);
    clock.tick(1);
    assert.equal(summaries.length, 1);
    assert.equal(summaries[0]!.count, 2);
    assert.match(summaries[0]!.message, /^And 2 more alert notifications \(2 warning\): Alert 4, Alert 5\. Open the dashboard/);
    assert.equal(throttle.heldCount, 0);
    assert.deepEqual([6, 7].map((i) => throttle.offer(n(i))), ['show', 'show'], 'the summary took one slot of the new window');
    assert.equal(throttle.offer(n(8)), 'grouped');
  });

  it('is a rolling window, not a fixed minute', () => {
    const clock = fakeClock();
    const throttle = new NotificationThrottle(clock);
    const summaries: GroupedSummary[] = [];
    throttle.onSummary((s) => summaries.push(s));
    const results: string[] = [];
    for (let i = 0; i < 3; i++) {
      results.push(throttle.offer(n(i)));
      clock.tick(20_000);
    }
    // Offers at 0, 20, 40 s were shown; at 60 s the first has left the window (0, 60].
    results.push(throttle.offer(n(3)), throttle.offer(n(4)));
    assert.deepEqual(results, ['show', 'show', 'show', 'show', 'grouped']);
    clock.tick(19_999);
    assert.equal(summaries.length, 0);
    clock.tick(1);
    assert.equal(summaries.length, 1, 'sent when the 20 s notification leaves the window');
  });

  it('counts resolved notifications too', () => {
    const clock = fakeClock();
    const throttle = new NotificationThrottle(clock);
    assert.deepEqual([throttle.offer(n(1)), throttle.offer(n(1, 'warning', 'resolved')), throttle.offer(n(2)), throttle.offer(n(3))], ['show', 'show', 'show', 'grouped']);
  });

  it('does not let a new notification overtake held ones, even when the window has room', () => {
    const clock = fakeClock();
    const throttle = new NotificationThrottle(clock, { maxPerWindow: 1 });
    assert.deepEqual([throttle.offer(n(1)), throttle.offer(n(2))], ['show', 'grouped']);
    throttle.updateOptions({ maxPerWindow: 5 });
    assert.equal(throttle.offer(n(3)), 'grouped');
    assert.deepEqual(throttle.flush()?.titles, ['Alert 2', 'Alert 3']);
    assert.equal(throttle.offer(n(4)), 'show');
  });

  it('flush() hands over the summary when the window has room, and only once', () => {
    const clock = fakeClock();
    const throttle = new NotificationThrottle(clock, { maxPerWindow: 1, windowMs: 10_000 });
    throttle.offer(n(1));
    throttle.offer(n(2, 'critical'));
    throttle.offer(n(3, 'info'));
    clock.tick(5_000);
    assert.equal(throttle.flush(), undefined);
    // More room (settings changed) before the timer: flush() can hand the summary over now.
    throttle.updateOptions({ maxPerWindow: 2, windowMs: 10_000 });
    const s = throttle.flush();
    assert.ok(s);
    assert.deepEqual([s.count, s.highestLevel, s.countByLevel.critical, s.countByLevel.info, s.titles[0]], [2, 'critical', 1, 1, 'Alert 2']);
    assert.equal(throttle.flush(), undefined);
  });

  it('filters by minimumLevel and notifyResolved without using the budget', () => {
    const clock = fakeClock();
    const throttle = new NotificationThrottle(clock, { minimumLevel: 'error', notifyResolved: false });
    assert.equal(throttle.offer(n(1, 'warning')), 'filtered');
    assert.equal(throttle.offer(n(2, 'critical', 'resolved')), 'filtered');
    assert.deepEqual([3, 4, 5].map((i) => throttle.offer(n(i, 'error'))), ['show', 'show', 'show']);
  });

  it('50 rules firing at once: 3 shown that minute, one summary naming 47, all 50 active', () => {
    const rules = compile(Array.from({ length: 50 }, (_, i) => ({ id: `r${i}`, metric: `m${i}_percent`, op: '>', threshold: 50, level: 'warning' })));
    const rig = new Rig(rules);
    const throttle = new NotificationThrottle(rig.clock);
    const summaries: GroupedSummary[] = [];
    throttle.onSummary((s) => summaries.push(s));
    const offered: string[] = [];
    const feed = (): void => {
      const ts = rig.tick(Array.from({ length: 50 }, (_, i) => ({ name: `m${i}_percent`, value: 99 })));
      for (const t of ts) {
        const note = notificationFor(t);
        if (note) {
          offered.push(throttle.offer(note));
        }
      }
    };
    feed();
    assert.equal(offered.filter((r) => r === 'show').length, 3);
    assert.equal(offered.filter((r) => r === 'grouped').length, 47);
    assert.equal(rig.engine.active().length, 50);
    for (let i = 0; i < 59; i++) {
      feed(); // still firing: no new notifications, no summary within the minute
    }
    assert.equal(offered.length, 50);
    assert.equal(summaries.length, 0);
    feed();
    assert.equal(summaries.length, 1);
    assert.equal(summaries[0]!.count, 47);
    assert.match(summaries[0]!.message, /^And 47 more alert notifications \(47 warning\): .+, …\./);
  });

  it('notificationFor skips quiet and pending transitions', () => {
    const rig = new Rig(compile([{ id: 'cpu', metric: 'process_cpu_usage_percent', op: '>', threshold: 80, level: 'warning', for: '1s' }]));
    const [pending] = rig.run('process_cpu_usage_percent', [90]);
    assert.equal(notificationFor(pending!), undefined);
    const [firing] = rig.run('process_cpu_usage_percent', [90]);
    assert.equal(notificationFor(firing!)?.kind, 'firing');
    rig.engine.snooze('all', 60_000);
    const [resolved] = rig.run('process_cpu_usage_percent', [10]);
    assert.equal(resolved!.to, 'resolved');
    assert.equal(notificationFor(resolved!), undefined);
  });
});

describe('notification text', () => {
  const vars = Object.fromEntries(TEMPLATE_VARIABLES.map((k) => [k, '1'])) as Record<TemplateVariable, string>;
  const title = compileTemplate('Room {{labels.room}} is busy');
  const message = compileTemplate('{{labels.room}} has {{value}} users');
  if ('error' in title || 'error' in message) throw new Error('bad template');
  const alertFor = (room: string, kind: 'firing' | 'resolved' = 'firing', level: AlertLevel = 'warning'): AlertNotification => ({
    alertId: `r/${room}`,
    level,
    kind,
    title: (kind === 'resolved' ? 'Resolved: ' : '') + renderTemplate(title.template, vars, { room }),
    message: renderTemplate(message.template, vars, { room }),
  });

  it('a room named like a command link shows as text: no link, no icon, every character read', () => {
    for (const room of HOSTILE_CORPUS) {
      for (const kind of ['firing', 'resolved'] as const) {
        const text = notificationText(alertFor(room, kind, 'critical'));
        assert.equal(notificationLinkCount(`Chat-Room Monitor: ${text}`), 0, text);
        assert.equal(iconCount(text), 0, text);
        assert.ok(read(text).includes(`Room ${visibleText(room, 120).slice(0, 90)}`), text);
      }
    }
  });

  it('a resolved notice has no $(pass) or other icon syntax; a critical one says so first', () => {
    assert.equal(notificationText(alertFor('general', 'resolved')), 'Resolved: Room general is busy');
    assert.equal(notificationText(alertFor('general', 'firing', 'critical')), 'CRITICAL — Room general is busy: general has 1 users');
  });

  it('the grouped "And N more" notification carries no live link either', () => {
    const clock = fakeClock();
    const throttle = new NotificationThrottle(clock, { maxPerWindow: 1 });
    const summaries: GroupedSummary[] = [];
    throttle.onSummary((s) => summaries.push(s));
    for (const room of HOSTILE_CORPUS) throttle.offer(alertFor(room));
    clock.tick(60_000);
    assert.equal(summaries.length, 1);
    const text = summaries[0]!.message;
    assert.match(text, /^And \d+ more alert notifications/);
    assert.equal(notificationLinkCount(`Chat-Room Monitor: ${text}`), 0, text);
    assert.equal(iconCount(text), 0, text);
    assert.ok(text.length <= 700);
  });
});
