import assert from 'node:assert/strict';
import { AlertEngine } from '../../../src/core/alerts/engine';
import { compileAlertRules } from '../../../src/core/alerts/defaults';
import { forecastTargets, validateRules } from '../../../src/core/alerts/rule';
import { formatSeconds } from '../../../src/core/format';
import { Metric } from '../../../src/core/model';
import * as template from '../../../src/core/alerts/template';
import { useLocale } from '../../../src/core/i18n/locale';
import { zhCnBundle } from '../helpers/zhCn';
import { SeriesStore } from '../../../src/core/store/seriesStore';
import { fakeClock } from '../helpers/fakeClock';
import { brief, compile, Rig } from './helpers';

const CPU = Metric.processCpuPercent;

function cpuRule(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'cpu', metric: CPU, op: '>', threshold: 80, level: 'warning', ...extra };
}

describe('AlertEngine', () => {
  describe('states', () => {
    it('goes inactive → pending → firing → resolved, then leaves a history entry', () => {
      const rig = new Rig(compile([cpuRule({ for: '3s' })]));
      const t0 = rig.clock.now();
      const ts = rig.run(CPU, [50, 90, 92, 91, 90, 50]);
      assert.deepEqual(brief(ts), ['cpu:inactive>pending (quiet)', 'cpu:pending>firing', 'cpu:firing>resolved']);
      assert.deepEqual(ts.map((t) => t.reason), ['conditionMet', 'forElapsed', 'cleared']);
      assert.equal(ts[1]!.alert.pendingSinceMs, t0 + 2000);
      assert.equal(ts[1]!.alert.firingSinceMs, t0 + 5000);
      assert.equal(ts[2]!.alert.resolvedAtMs, t0 + 6000);
      assert.deepEqual(rig.engine.active(), []);
      const [h] = rig.engine.history();
      assert.ok(h);
      assert.deepEqual(
        { start: h.startMs, end: h.endMs, dur: h.durationMs, peak: h.peakValue, peakText: h.peakText, reason: h.reason },
        { start: t0 + 5000, end: t0 + 6000, dur: 1000, peak: 92, peakText: '92%', reason: 'cleared' },
      );
      assert.deepEqual(rig.all, ts, 'onTransition sees the same transitions evaluate returns');
    });

    it('drops a pending alert whose condition stops holding before `for` elapses', () => {
      const rig = new Rig(compile([cpuRule({ for: '3s' })]));
      const ts = rig.run(CPU, [90, 90, 50, 90, 90]);
      assert.deepEqual(brief(ts), ['cpu:inactive>pending (quiet)', 'cpu:pending>inactive (quiet)', 'cpu:inactive>pending (quiet)']);
      assert.equal(rig.engine.active()[0]?.state, 'pending');
      assert.deepEqual(rig.engine.history(), [], 'an alert that never fired is not history');
    });

    it('fires on the first sample when `for` is 0', () => {
      const rig = new Rig(compile([cpuRule()]));
      assert.deepEqual(brief(rig.run(CPU, [81])), ['cpu:inactive>firing']);
    });

    it('measures `for` on sample time, not on how often evaluate runs', () => {
      const rig = new Rig(compile([cpuRule({ for: '30s' })]), 10_000);
      const ts = [];
      for (let i = 0; i < 4; i++) {
        ts.push(...rig.tick({ [CPU]: 90 }));
        // Extra evaluations without new samples change nothing.
        ts.push(...rig.engine.evaluate(rig.store), ...rig.engine.evaluate(rig.store));
        assert.equal(ts.at(-1)?.to, i < 3 ? 'pending' : 'firing', `after sample ${i + 1}`);
      }
      assert.deepEqual(brief(ts), ['cpu:inactive>pending (quiet)', 'cpu:pending>firing']);
    });
  });

  describe('hysteresis and keepFiringFor', () => {
    it('a noisy series around the threshold does not flap with clearThreshold (and does without)', () => {
      const rig = new Rig(
        compile([cpuRule({ id: 'steady', clearThreshold: 75 }), cpuRule({ id: 'flappy' })]),
      );
      const noisy = [81, 79, 82, 78, 80.5, 77, 79.9, 83, 76, 74, 70];
      const ts = rig.run(CPU, noisy);
      const steady = brief(ts.filter((t) => t.alert.ruleId === 'steady'));
      const flappy = ts.filter((t) => t.alert.ruleId === 'flappy' && t.to === 'firing');
      assert.deepEqual(steady, ['steady:inactive>firing', 'steady:firing>resolved']);
      assert.equal(ts.find((t) => t.alert.ruleId === 'steady' && t.to === 'resolved')?.alert.value, 74);
      assert.equal(flappy.length, 4, 'the same series without hysteresis fires 4 times');
    });

    it('keeps firing for keepFiringFor after the condition stops, and restarts that wait when it returns', () => {
      const rig = new Rig(compile([cpuRule({ keepFiringFor: '5s' })]));
      const t0 = rig.clock.now();
      const ts = rig.run(CPU, [90, 50, 50, 90, 50, 50, 50, 50, 50, 50, 50]);
      assert.deepEqual(brief(ts), ['cpu:inactive>firing', 'cpu:firing>resolved']);
      // Condition last held at t0+4s, cleared from t0+5s: resolves at t0+10s.
      assert.equal(ts[1]!.timeMs, t0 + 10_000);
    });
  });

  describe('several rules on one metric (the seed lost one of them)', () => {
    it('80% warning and 95% critical both exist and both fire at 97%', () => {
      const { rules, problems } = compileAlertRules([], true);
      assert.deepEqual(problems, []);
      const rig = new Rig(rules.map((r) => ({ ...r, forMs: 0 })));
      rig.tick({ [CPU]: 97, [Metric.targetUp]: 1 });
      const firing = rig.engine.active().filter((a) => a.state === 'firing');
      assert.deepEqual(firing.map((a) => `${a.ruleId}:${a.level}`), ['process-cpu-critical:critical', 'process-cpu-warning:warning']);
    });
  });

  describe('inhibition', () => {
    const rules = (): ReturnType<typeof compile> =>
      compile([cpuRule({ id: 'warn' }), cpuRule({ id: 'crit', threshold: 95, level: 'critical' })]);

    it('mutes lower alerts on the same series while a critical one fires, and says so once it stops', () => {
      const rig = new Rig(rules());
      assert.deepEqual(brief(rig.run(CPU, [85])), ['warn:inactive>firing']);
      assert.deepEqual(brief(rig.run(CPU, [97])), ['crit:inactive>firing']);
      const warn = rig.engine.active().find((a) => a.ruleId === 'warn');
      assert.equal(warn?.inhibited, true);
      assert.equal(warn?.state, 'firing', 'inhibited alerts keep their state');
      assert.deepEqual(brief(rig.run(CPU, [99])), []);
      const back = rig.run(CPU, [85]);
      assert.deepEqual(brief(back), ['crit:firing>resolved', 'warn:firing>firing']);
      assert.equal(back[1]!.reason, 'uninhibited');
      assert.deepEqual(brief(rig.run(CPU, [50])), ['warn:firing>resolved']);
    });

    it('a lower alert that fired while inhibited is never notified, nor its resolution', () => {
      const rig = new Rig(rules());
      assert.deepEqual(brief(rig.run(CPU, [97])).sort(), ['crit:inactive>firing', 'warn:inactive>firing (quiet)']);
      assert.deepEqual(brief(rig.run(CPU, [50])).sort(), ['crit:firing>resolved', 'warn:firing>resolved (quiet)']);
    });

    it('does not reach across series: a critical on one room leaves a warning on another alone', () => {
      const rig = new Rig(
        compile([
          { id: 'warn', metric: 'chat_queue_length', op: '>', threshold: 10, level: 'warning' },
          { id: 'crit', metric: 'chat_queue_length', labels: { room: 'a' }, op: '>', threshold: 100, level: 'critical' },
        ]),
      );
      const ts = rig.tick([
        { name: 'chat_queue_length', labels: { room: 'a' }, value: 500 },
        { name: 'chat_queue_length', labels: { room: 'b' }, value: 50 },
      ]);
      const notified = ts.filter((t) => t.notify).map((t) => `${t.alert.ruleId}:${t.alert.labels.room}`).sort();
      assert.deepEqual(notified, ['crit:a', 'warn:b']);
    });
  });

  describe('snooze', () => {
    it('snoozing one alert quiets its transitions only, and it is notified again when the snooze ends', () => {
      const rig = new Rig(compile([cpuRule(), cpuRule({ id: 'other', metric: 'process_open_fds', threshold: 100 })]));
      rig.tick({ [CPU]: 90, process_open_fds: 10 });
      assert.equal(rig.engine.snooze('cpu/process_cpu_usage_percent', 60_000), true);
      const snoozedUntil = rig.clock.now() + 60_000;
      assert.equal(rig.engine.active()[0]?.snoozedUntilMs, snoozedUntil);
      const during = [...rig.tick({ [CPU]: 50, process_open_fds: 500 }), ...rig.tick({ [CPU]: 90, process_open_fds: 500 })];
      assert.deepEqual(brief(during), ['cpu:firing>resolved (quiet)', 'other:inactive>firing', 'cpu:inactive>firing (quiet)']);
      const later: string[] = [];
      for (let i = 0; i < 60; i++) {
        later.push(...brief(rig.tick({ [CPU]: 90, process_open_fds: 500 })));
      }
      assert.deepEqual(later, ['cpu:firing>firing'], 'one reminder when the snooze expires');
      assert.equal(rig.all.at(-1)?.reason, 'snoozeEnded');
      assert.equal(rig.all.at(-1)?.timeMs, snoozedUntil);
      assert.equal(rig.engine.active()[0]?.snoozedUntilMs, undefined);
    });

    it("snooze('all') quiets every alert, including ones that start during it; clearSnooze ends it early", () => {
      const rig = new Rig(compile([cpuRule(), cpuRule({ id: 'fds', metric: 'process_open_fds', threshold: 100 })]));
      assert.equal(rig.engine.snooze('all', 10 * 60_000), true);
      assert.deepEqual(brief(rig.tick({ [CPU]: 90, process_open_fds: 500 })), ['cpu:inactive>firing (quiet)', 'fds:inactive>firing (quiet)']);
      assert.ok(rig.engine.active().every((a) => a.snoozedUntilMs !== undefined), 'snoozed alerts are still listed');
      rig.engine.clearSnooze();
      const ts = rig.tick({ [CPU]: 90, process_open_fds: 500 });
      assert.deepEqual(brief(ts), ['cpu:firing>firing', 'fds:firing>firing']);
    });

    it('a rule id snoozes that rule’s future alerts; unknown targets and bad durations are refused', () => {
      const rig = new Rig(compile([cpuRule()]));
      assert.equal(rig.engine.snooze('no-such-alert', 1000), false);
      assert.equal(rig.engine.snooze('cpu', -5), false);
      assert.equal(rig.engine.snooze('cpu', Number.NaN), false);
      assert.equal(rig.engine.snooze('cpu', 5000), true);
      assert.deepEqual(brief(rig.run(CPU, [90])), ['cpu:inactive>firing (quiet)']);
      assert.deepEqual(brief(rig.run(CPU, [90, 90, 90, 90])), ['cpu:firing>firing'], 'reminded at expiry (5 s)');
    });
  });

  describe('label matchers', () => {
    it('selects series by exact, regex and negative matchers; a missing label reads as ""', () => {
      const rule = (id: string, room: string): Record<string, unknown> => ({ id, metric: 'chat_active_users', labels: { room }, op: '>', threshold: 0, level: 'info' });
      const rig = new Rig(
        compile([rule('exact', 'general'), rule('regex', '=~gen.*|rand.m'), rule('not', '!=general'), rule('notre', '!~test-.*'), rule('forced', '=!=odd')]),
      );
      rig.tick([
        ...['general', 'random', 'test-1', '!=odd'].map((room) => ({ name: 'chat_active_users', labels: { room }, value: 1 })),
        { name: 'chat_active_users', labels: {}, value: 1 },
      ]);
      const by = (id: string): string[] =>
        rig.engine
          .active()
          .filter((a) => a.ruleId === id)
          .map((a) => a.labels.room ?? '(none)')
          .sort();
      assert.deepEqual(by('exact'), ['general']);
      assert.deepEqual(by('regex'), ['general', 'random']);
      assert.deepEqual(by('not'), ['!=odd', '(none)', 'random', 'test-1']);
      assert.deepEqual(by('notre'), ['!=odd', '(none)', 'general', 'random']);
      assert.deepEqual(by('forced'), ['!=odd']);
    });

    it('picks up a series that appears after the first evaluation (selection cache refresh)', () => {
      const rig = new Rig(compile([{ id: 'users', metric: 'chat_active_users', op: '>', threshold: 5, level: 'info' }]));
      rig.tick([{ name: 'chat_active_users', labels: { room: 'a' }, value: 1 }]);
      const ts = rig.tick([
        { name: 'chat_active_users', labels: { room: 'a' }, value: 1 },
        { name: 'chat_active_users', labels: { room: 'b' }, value: 9 },
      ]);
      assert.deepEqual(ts.map((t) => t.alert.seriesKey), ['chat_active_users{room="b"}']);
    });

    it('one alert per (rule, label set), each with its own id', () => {
      const rig = new Rig(compile([{ id: 'lag', metric: 'chat_room_lag_seconds', op: '>', threshold: 1, level: 'warning' }]));
      rig.tick(['a', 'b', 'c'].map((room) => ({ name: 'chat_room_lag_seconds', labels: { room }, value: 2 })));
      assert.deepEqual(rig.engine.active().map((a) => a.id).sort(), ['a', 'b', 'c'].map((r) => `lag/chat_room_lag_seconds{room="${r}"}`));
    });
  });

  describe('templates and units', () => {
    it('renders placeholders with values formatted by the unit of the metric name', () => {
      const rig = new Rig(
        compile([
          {
            id: 'mem',
            metric: 'chat_room_memory_bytes',
            op: '>',
            threshold: 100 * 1024 * 1024,
            level: 'error',
            for: '2m',
            title: '{{metric}} in {{labels.room}}{{labels.nope}}',
            message: '{{value}} > {{threshold}} ({{unit}}) for {{for}}, {{level}} from {{id}}, op {{op}}',
          },
          cpuRule({ message: '{{value}} / {{threshold}}' }),
          { id: 'lat', metric: 'chat_message_latency_seconds_p95', op: '>', threshold: 0.5, level: 'warning', message: '{{value}} / {{threshold}}' },
          { id: 'rate', metric: 'chat_messages_per_second', op: '>', threshold: 10, level: 'info', message: '{{value}} / {{threshold}}' },
          { id: 'users', metric: 'chat_active_users', op: '>', threshold: 40, level: 'info', unit: 'users', message: '{{value}} / {{threshold}} {{unit}}' },
        ].map((r) => ({ ...r, for: 0 }))),
      );
      rig.tick([
        { name: 'chat_room_memory_bytes', labels: { room: 'general' }, value: 148 * 1024 * 1024 },
        { name: CPU, value: 83.24 },
        { name: 'chat_message_latency_seconds_p95', value: 0.512 },
        { name: 'chat_messages_per_second', value: 12.5 },
        { name: 'chat_active_users', value: 42 },
      ]);
      const by = new Map(rig.engine.active().map((a) => [a.ruleId, a]));
      assert.equal(by.get('mem')?.title, 'chat_room_memory_bytes in general');
      assert.equal(by.get('mem')?.message, '148 MiB > 100 MiB (B) for 0s, error from mem, op >');
      assert.equal(by.get('cpu')?.message, '83.2% / 80%');
      assert.equal(by.get('lat')?.message, '512 ms / 500 ms');
      assert.equal(by.get('rate')?.message, '12.5/s / 10/s');
      assert.equal(by.get('users')?.message, '42 users / 40 users users');
      assert.equal(by.get('cpu')?.unit, '%');
      assert.equal(by.get('users')?.unit, 'users');
    });

    it('default messages mention the `for` duration', () => {
      const rig = new Rig(compile([cpuRule({ for: '2s' })]));
      rig.run(CPU, [90, 90, 95]);
      assert.equal(rig.engine.active()[0]?.message, 'Server CPU (% of a core) has been > 80% for 2s; it is now 95%.');
    });
  });

  describe('staleness', () => {
    it('a stale series does not fire', () => {
      const clock = fakeClock();
      const store = new SeriesStore(10);
      store.append(clock.now(), [{ name: CPU, labels: {}, value: 99 }]);
      store.append(clock.now() + 1000, [{ name: 'other', labels: {}, value: 1 }]);
      const engine = new AlertEngine(compile([cpuRule()]), clock);
      assert.deepEqual(engine.evaluate(store), []);
      assert.deepEqual(engine.active(), []);
    });

    it('a firing alert survives a short gap and resolves with "noData" after 3 ticks without data', () => {
      const rig = new Rig(compile([cpuRule()]));
      rig.run(CPU, [90]);
      assert.deepEqual(brief([...rig.tick({ other: 1 }), ...rig.tick({ other: 1 })]), []);
      assert.equal(rig.engine.active()[0]?.state, 'firing');
      assert.deepEqual(brief(rig.run(CPU, [90])), [], 'data is back, still above: nothing new');
      const gap = [...rig.tick({ other: 1 }), ...rig.tick({ other: 1 })];
      rig.engine.evaluate(rig.store); // re-evaluating the same tick does not count as another missed tick
      assert.deepEqual(gap, []);
      const ts = rig.tick({ other: 1 });
      assert.deepEqual(brief(ts), ['cpu:firing>resolved']);
      assert.equal(ts[0]!.reason, 'noData');
      assert.equal(rig.engine.history()[0]?.reason, 'noData');
    });

    it('a pending alert is dropped when its series goes stale, and NaN counts as no data', () => {
      const rig = new Rig(compile([cpuRule({ for: '10s' })]));
      rig.run(CPU, [90]);
      const ts = rig.tick({ other: 1 });
      assert.deepEqual(brief(ts), ['cpu:pending>inactive (quiet)']);
      assert.equal(ts[0]!.reason, 'noData');
      rig.run(CPU, [90]);
      assert.deepEqual(brief(rig.run(CPU, [Number.NaN])), ['cpu:pending>inactive (quiet)']);
    });

    it('a series removed from the store (cleared) resolves its alert after the no-data ticks', () => {
      const rig = new Rig(compile([cpuRule()]));
      rig.run(CPU, [90]);
      rig.store.clear();
      const ts = [...rig.tick({ other: 1 }), ...rig.tick({ other: 1 }), ...rig.tick({ other: 1 })];
      assert.deepEqual(brief(ts), ['cpu:firing>resolved']);
      assert.deepEqual(brief(rig.run(CPU, [90])), ['cpu:inactive>firing'], 'and fires again when the series returns');
    });
  });

  describe('history', () => {
    it('keeps the last 500 finished alerts by default, oldest dropped first', () => {
      const rig = new Rig(compile([cpuRule()]));
      for (let i = 0; i < 510; i++) {
        rig.run(CPU, [90 + (i % 5), 10]);
      }
      const h = rig.engine.history();
      assert.equal(h.length, 500);
      assert.equal(h[0]!.startMs, rig.clock.now() - 499 * 2000 - 1000);
      assert.ok(h.every((e, i) => i === 0 || e.startMs > h[i - 1]!.startMs));
    });

    it('honours a smaller historyLimit', () => {
      const clock = fakeClock();
      const store = new SeriesStore(10);
      const engine = new AlertEngine(compile([cpuRule()]), clock, { historyLimit: 3 });
      for (let i = 0; i < 6; i++) {
        for (const v of [90 + i, 10]) {
          clock.tick(1000);
          store.append(clock.now(), [{ name: CPU, labels: {}, value: v }]);
          engine.evaluate(store);
        }
      }
      assert.deepEqual(engine.history().map((e) => e.peakValue), [93, 94, 95]);
    });
  });

  describe('special rules', () => {
    it('targetDown fires once target_up has been 0 for its `for` (5 s by default)', () => {
      const rig = new Rig(compileAlertRules([], true).rules.filter((r) => r.id === 'target-down'));
      const t0 = rig.clock.now();
      const ts = rig.run(Metric.targetUp, [1, 1, 0, 0, 0, 0, 0, 0, 1]);
      assert.deepEqual(brief(ts), ['target-down:inactive>pending (quiet)', 'target-down:pending>firing', 'target-down:firing>resolved']);
      assert.equal(ts[1]!.timeMs, t0 + 8000);
      assert.equal(ts[1]!.alert.level, 'error');
      assert.match(ts[1]!.alert.message, /not running/);
    });

    it('the latency default is silent while the server exposes no latency series', () => {
      const rig = new Rig(compileAlertRules([], true).rules);
      for (let i = 0; i < 120; i++) {
        rig.tick({ [CPU]: 10, [Metric.targetUp]: 1, [Metric.systemMemoryPercent]: 40, [Metric.systemDiskPercent]: 50 });
      }
      assert.deepEqual(rig.all, []);
    });

    it('a forecast rule fires on the analyzer’s forecast_seconds_to_limit series for its metric and limit', () => {
      const { rules, problems } = validateRules([{ kind: 'forecast', metric: 'process_resident_memory_bytes', limit: 1024 ** 3, within: '10m' }]);
      assert.deepEqual(problems, []);
      assert.deepEqual(forecastTargets(rules), [{ metric: 'process_resident_memory_bytes', limit: 1024 ** 3 }]);
      const rig = new Rig(rules);
      const forecast = (seconds: number, limit = String(1024 ** 3), series = 'process_resident_memory_bytes') => [
        { name: 'forecast_seconds_to_limit', labels: { series, limit }, value: seconds },
        { name: 'forecast_seconds_to_limit', labels: { series: 'process_open_fds', limit }, value: 1 },
        { name: 'forecast_seconds_to_limit', labels: { series, limit: '5' }, value: 1 },
      ];
      assert.deepEqual(rig.tick(forecast(Number.POSITIVE_INFINITY)), []);
      assert.deepEqual(rig.tick(forecast(1200)), []);
      const ts = rig.tick(forecast(500));
      assert.deepEqual(brief(ts), ['forecast-process_resident_memory_bytes:inactive>firing']);
      assert.equal(ts[0]!.alert.metric, 'process_resident_memory_bytes');
      assert.equal(ts[0]!.alert.title, 'Server memory (RSS) heading for 1 GiB');
      // The wording of durations belongs to the shared formatter (src/core/format.ts).
      assert.equal(ts[0]!.alert.message, `At its current trend process_resident_memory_bytes reaches 1 GiB in about ${formatSeconds(500)}.`);
      assert.match(ts[0]!.alert.message, /in about 8 min/);
    });
  });

  describe('setRules', () => {
    it('keeps the state of alerts whose rule stays, and quietly ends those of removed rules', () => {
      const rig = new Rig(compile([cpuRule(), cpuRule({ id: 'gone', threshold: 50 })]));
      rig.run(CPU, [90]);
      const ts = rig.engine.setRules(compile([cpuRule({ threshold: 85 })]));
      assert.deepEqual(brief(ts), ['gone:firing>resolved (quiet)']);
      assert.equal(ts[0]!.reason, 'ruleRemoved');
      assert.deepEqual(brief(rig.run(CPU, [88])), [], 'cpu keeps firing under its new threshold');
      assert.deepEqual(brief(rig.run(CPU, [84])), ['cpu:firing>resolved']);
    });
  });

  it('evaluates 200 rules over 100 series (smoke check of the cached selection)', () => {
    const clock = fakeClock();
    const store = new SeriesStore(10);
    const samples = Array.from({ length: 100 }, (_, i) => ({ name: `m${i % 20}_percent`, labels: { room: `r${i}` }, value: i }));
    const rules = compile(
      Array.from({ length: 200 }, (_, i) => ({ id: `r${i}`, metric: `m${i % 20}_percent`, labels: { room: `=~r${i % 100}` }, op: '>', threshold: 50, level: 'warning' })),
    );
    const engine = new AlertEngine(rules, clock);
    clock.tick(1000);
    store.append(clock.now(), samples);
    engine.evaluate(store);
    // Rule i watches room r(i%100) of metric m(i%20): matching only where i%100 ≡ room index, i.e. i%20 == (i%100)%20 — always.
    assert.equal(engine.active().length, 2 * 49);
  });
});

describe('AlertEngine keeps what active() and history() return until the state changes (issue 20)', () => {
  /** Counts renderTemplate calls: each alert's title and message are rendered when a list is made. */
  function countRenders<T>(body: (renders: () => number) => T): T {
    const exports = template as { renderTemplate: typeof template.renderTemplate };
    const real = exports.renderTemplate;
    let n = 0;
    exports.renderTemplate = (...args) => (n++, real(...args));
    try {
      return body(() => n);
    } finally {
      exports.renderTemplate = real;
    }
  }

  it('renders the firing alerts once for every read between two evaluations, and again after one', () => {
    const rig = new Rig(compile([cpuRule()]));
    rig.tick({ [CPU]: 90 });
    countRenders((renders) => {
      const first = rig.engine.active();
      const made = renders();
      assert.ok(made > 0);
      // The status bar, the dashboard's header, alerts and markers read it in the same tick.
      assert.equal(rig.engine.active(), first);
      assert.equal(rig.engine.active(), first);
      assert.equal(renders(), made, 'no title or message rendered again');
      assert.ok(Object.isFrozen(first));
      rig.tick({ [CPU]: 95 });
      const next = rig.engine.active();
      assert.notEqual(next, first);
      assert.equal(next[0]?.value, 95);
      assert.match(next[0]!.message, /95/);
    });
  });

  it('a snooze shows at once, and its end shows once the clock passes it, without an evaluation', () => {
    const rig = new Rig(compile([cpuRule()]));
    rig.tick({ [CPU]: 90 });
    assert.equal(rig.engine.active()[0]?.snoozedUntilMs, undefined);
    rig.engine.snooze('cpu', 5_000);
    const until = rig.clock.now() + 5_000;
    assert.equal(rig.engine.active()[0]?.snoozedUntilMs, until);
    rig.clock.tick(4_999);
    assert.equal(rig.engine.active()[0]?.snoozedUntilMs, until);
    rig.clock.tick(1);
    assert.equal(rig.engine.active()[0]?.snoozedUntilMs, undefined, 'the snooze ended');
    rig.engine.snooze('all', 1_000);
    assert.ok(rig.engine.active()[0]?.snoozedUntilMs !== undefined);
    rig.engine.clearSnooze();
    assert.equal(rig.engine.active()[0]?.snoozedUntilMs, undefined);
  });

  it('history() is the same list until another alert finishes; a new display language renders again', () => {
    const rig = new Rig(compile([cpuRule()]));
    rig.run(CPU, [90, 50]);
    countRenders((renders) => {
      const first = rig.engine.history();
      assert.equal(first.length, 1);
      const made = renders();
      assert.equal(rig.engine.history(), first);
      rig.run(CPU, [60, 70]);
      assert.equal(rig.engine.history(), first, 'evaluations that finish nothing keep it');
      assert.equal(renders(), made);
      rig.run(CPU, [90, 50]);
      assert.equal(rig.engine.history().length, 2);
      useLocale('zh-cn', zhCnBundle());
      try {
        const before = renders();
        rig.engine.history();
        rig.engine.active();
        assert.ok(renders() > before, 'made again in the new language');
      } finally {
        useLocale('en');
      }
    });
  });

  it('gives the same alerts as a list made afresh, tick after tick', () => {
    // Two engines on the same samples: one read every tick (kept lists), one read only at the end.
    const rules = compile([cpuRule({ for: '2s' }), { id: 'mem', metric: Metric.processRssBytes, op: '>', threshold: 100, level: 'critical' }]);
    const a = new Rig(rules);
    const b = new Rig(rules);
    const values = [50, 90, 91, 92, 50, 95, 96, 97, 98, 40, 99];
    values.forEach((v, i) => {
      for (const rig of [a, b]) rig.tick({ [CPU]: v, [Metric.processRssBytes]: i * 30 });
      if (i === 5) a.engine.snooze('all', 2_500);
      if (i === 5) b.engine.snooze('all', 2_500);
      a.engine.active();
      a.engine.history();
    });
    assert.deepEqual(a.engine.active(), b.engine.active());
    assert.deepEqual(a.engine.history(), b.engine.history());
  });
});
