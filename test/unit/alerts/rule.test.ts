import assert from 'node:assert/strict';
import { formatPromDuration, parseDuration } from '../../../src/core/alerts/duration';
import { compare, parseLabelMatcher, validateRules } from '../../../src/core/alerts/rule';
import { formatValue, inferUnit, unitFromWord } from '../../../src/core/units';

const good = { id: 'ok', metric: 'process_cpu_usage_percent', op: '>', threshold: 80, level: 'warning' };

/** Validates [good, bad] and returns the problems; the good rule must still compile. */
function problemsOf(bad: unknown): string[] {
  const { rules, problems } = validateRules([good, bad]);
  assert.deepEqual(rules.map((r) => r.id), ['ok'], 'the good rule still compiles');
  return problems;
}

/** One sentence: starts with a capital, ends with . or ?, no line breaks. */
function assertSentence(p: string): void {
  assert.match(p, /^[A-Z][^\n]*[.?]$/, p);
}

describe('validateRules', () => {
  it('compiles a full threshold rule', () => {
    const { rules, problems } = validateRules([
      { ...good, labels: { room: '=~gen.*' }, for: '1m30s', keepFiringFor: 10, clearThreshold: 75, title: 't', message: 'm {{value}}', unit: 'percent', enabled: true },
    ]);
    assert.deepEqual(problems, []);
    const r = rules[0]!;
    assert.deepEqual(
      { forMs: r.forMs, keep: r.keepFiringForMs, clear: r.clearThreshold, matchers: r.matchers, unit: r.unit.kind },
      { forMs: 90_000, keep: 10_000, clear: 75, matchers: [{ label: 'room', op: '=~', value: 'gen.*' }], unit: 'percent' },
    );
    assert.equal(r.matches({ room: 'general' }), true);
    assert.equal(r.matches({ room: 'xgeneral' }), false, 'regexes are anchored');
  });

  const cases: [string, unknown, RegExp][] = [
    ['unknown operator, with a hint', { ...good, id: 'b', op: '=>' }, /^Alert rule "b" \(rule 2 of chatroomMonitor\.alerts\.rules\): "op" is the text "=>", which is not one of >, >=, <, <=, ==, != — did you mean ">="\?$/],
    ['seed-style operator', { ...good, id: 'b', op: 'gt' }, /did you mean ">"/],
    ['missing threshold', { ...good, id: 'b', threshold: undefined }, /"b".* needs a "threshold": a number such as 80\.$/],
    ['quoted threshold', { ...good, id: 'b', threshold: '80' }, /"threshold" is the text "80"; write it as a number, without quotes: 80\./],
    ['non-numeric threshold', { ...good, id: 'b', threshold: 'high' }, /"threshold" must be a number such as 80, not the text "high"\./],
    ['infinite threshold', { ...good, id: 'b', threshold: Infinity }, /"threshold" must be a number/],
    ['bad level', { ...good, id: 'b', level: 'severe' }, /"level" is the text "severe", not one of "info", "warning", "error", "critical"\./],
    ['level in capitals', { ...good, id: 'b', level: 'Critical' }, /did you mean "critical"\?/],
    ['invalid regex', { ...good, id: 'b', labels: { room: '=~gen(' } }, /label "room" has an invalid regex "gen\(" \(.+\)\./],
    ['lookahead regex', { ...good, id: 'b', labels: { room: '!~(?!x)y' } }, /lookahead and lookbehind are not supported by Prometheus/],
    ['bad label name', { ...good, id: 'b', labels: { 'my-room': 'x' } }, /label name "my-room" is not valid/],
    ['non-text label value', { ...good, id: 'b', labels: { room: 3 } }, /label "room" must be matched by text/],
    ['negative for', { ...good, id: 'b', for: '-5s' }, /"for" is negative \("-5s"\); use a duration such as "30s"\./],
    ['negative for in seconds', { ...good, id: 'b', for: -3 }, /"for" is negative \(-3\)/],
    ['unparseable for', { ...good, id: 'b', for: 'soon' }, /"for" "soon" is not a duration; write it like "30s", "2m", "1h30m" or a number of seconds\./],
    ['bad keepFiringFor', { ...good, id: 'b', keepFiringFor: true }, /"keepFiringFor" must be a duration/],
    ['duplicate id', { ...good }, /^Alert rule "ok" \(rule 2 of chatroomMonitor\.alerts\.rules\) repeats the id "ok" of an earlier rule/],
    ['typo in a field', { ...good, id: 'b', threshold: undefined, treshold: 80 }, /has an unknown field "treshold" — did you mean "threshold"\?/],
    ['unknown field without a near match', { ...good, id: 'b', colour: 'red' }, /unknown field "colour"; a threshold rule takes "kind", "id"/],
    ['not an object', 'cpu > 80', /^Alert rule \(rule 2 of chatroomMonitor\.alerts\.rules\) must be an object such as .*, not the text "cpu > 80"\.$/],
    ['missing id', { ...good, id: undefined }, /^Alert rule \(rule 2 of .*\) needs an "id"/],
    ['missing metric', { ...good, id: 'b', metric: undefined }, /needs a "metric"/],
    ['invalid metric name', { ...good, id: 'b', metric: 'cpu usage' }, /"metric" is the text "cpu usage", not a metric name/],
    ['clearThreshold on the wrong side', { ...good, id: 'b', clearThreshold: 85 }, /"clearThreshold" 85 must be on the other side of the threshold 80 \(at most 80\)/],
    ['clearThreshold with ==', { ...good, id: 'b', op: '==', clearThreshold: 85 }, /"clearThreshold" only works with >, >=, < or <=/],
    ['unknown placeholder', { ...good, id: 'b', message: 'now {{valeu}}' }, /"message" has an unknown placeholder \{\{valeu\}\}; use one of \{\{value\}\}/],
    ['non-text title', { ...good, id: 'b', title: 5 }, /"title" must be text, not the number 5\./],
    ['unknown kind', { ...good, id: 'b', kind: 'anomalies' }, /"kind" is the text "anomalies"; use "threshold" \(the default\), "targetDown", "forecast" or "anomaly"\./],
    ['anomaly with a number threshold', { kind: 'anomaly', metric: 'process_cpu_usage_percent', threshold: 3.5 }, /"anomaly-process_cpu_usage_percent".* unknown field "threshold"/],
    ['anomaly with a bad sensitivity', { kind: 'anomaly', metric: 'process_cpu_usage_percent', sensitivity: 'Medium' }, /"sensitivity" is the text "Medium"; use "low".*did you mean "medium"\?/],
    ['anomaly with a sensitivity out of range', { kind: 'anomaly', metric: 'process_cpu_usage_percent', sensitivity: 3 }, /"sensitivity" is the number 3/],
    ['enabled not boolean', { ...good, id: 'b', enabled: 'no' }, /"enabled" must be true or false/],
    ['forecast without limit', { kind: 'forecast', metric: 'process_resident_memory_bytes' }, /"forecast-process_resident_memory_bytes".* needs a "limit"/],
    ['forecast with zero within', { kind: 'forecast', metric: 'process_resident_memory_bytes', limit: 1, within: 0 }, /"within" must be longer than 0/],
    ['targetDown with a metric', { kind: 'targetDown', metric: 'x' }, /"target-down".* unknown field "metric"/],
  ];
  for (const [what, bad, expected] of cases) {
    it(`says what is wrong: ${what}`, () => {
      const problems = problemsOf(bad);
      assert.ok(problems.some((p) => expected.test(p)), `no problem matched ${expected}:\n${problems.join('\n')}`);
      problems.forEach(assertSentence);
    });
  }

  it('reports every bad field of a rule, one sentence each', () => {
    const problems = problemsOf({ id: 'b', metric: 'x', op: '~', threshold: 'a', level: 'loud' });
    assert.equal(problems.length, 3);
  });

  it('says so once when the setting is not a list, and accepts a missing one', () => {
    assert.deepEqual(validateRules({ id: 'x' }).problems, ['chatroomMonitor.alerts.rules must be a list of rules ([{ "id": …, "metric": …, "op": ">", "threshold": … }]), not an object.']);
    assert.deepEqual(validateRules(undefined), { rules: [], problems: [] });
    assert.deepEqual(validateRules(null), { rules: [], problems: [] });
  });

  it('leaves disabled rules out without complaining about them', () => {
    const { rules, problems } = validateRules([good, { id: 'off', enabled: false, op: 'nonsense' }]);
    assert.deepEqual(rules.map((r) => r.id), ['ok']);
    assert.deepEqual(problems, []);
  });

  it('uses the origins it is given to name a rule', () => {
    const { problems } = validateRules([{ ...good, level: 'x' }], ['built-in, changed by rule 1 of chatroomMonitor.alerts.rules']);
    assert.match(problems[0]!, /^Alert rule "ok" \(built-in, changed by rule 1 of chatroomMonitor\.alerts\.rules\): "level"/);
  });

  it('never throws on random JSON, and whatever compiles is usable (fuzz, 3000 cases, seeded)', () => {
    let seed = 42;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const fields = ['id', 'kind', 'enabled', 'metric', 'labels', 'op', 'threshold', 'level', 'for', 'clearThreshold', 'keepFiringFor', 'title', 'message', 'unit', 'limit', 'within', '__proto__', 'constructor', 'toString', 'x'];
    const atoms: unknown[] = [null, true, false, 0, -1, 80, 1e308, -1e-9, Number.NaN, '', '>', '<=', '==', 'warning', 'critical', 'threshold', 'forecast', 'targetDown', '30s', '-1m', '1h30m', '=~(', '=~a|b', '!~x', '{{value}}', '{{', 'process_cpu_usage_percent', 'a b', '\u0000', '💥'];
    const value = (depth: number): unknown => {
      const r = rnd();
      if (depth > 2 || r < 0.6) {
        return pick(atoms);
      }
      if (r < 0.8) {
        return Array.from({ length: Math.floor(rnd() * 4) }, () => value(depth + 1));
      }
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(rnd() * 8); i > 0; i--) {
        o[pick(fields)] = value(depth + 1);
      }
      return o;
    };
    let compiled = 0;
    for (let i = 0; i < 3000; i++) {
      const base: Record<string, unknown> = { ...good, id: `r${i}` };
      for (let k = Math.floor(rnd() * 4); k > 0; k--) {
        base[pick(fields)] = value(1);
      }
      const input = rnd() < 0.1 ? value(0) : [base, value(1), JSON.parse(JSON.stringify(base) ?? 'null')];
      const { rules, problems } = validateRules(input);
      problems.forEach((p) => assert.equal(typeof p, 'string'));
      for (const r of rules) {
        compiled++;
        assert.ok(Number.isFinite(r.threshold) && r.forMs >= 0 && r.keepFiringForMs >= 0);
        assert.equal(typeof r.matches({ room: 'x' }), 'boolean');
      }
    }
    assert.ok(compiled > 100, `the fuzz should also produce valid rules (${compiled})`);
  });
});

describe('durations', () => {
  it('reads Prometheus durations and seconds', () => {
    const ok: [unknown, number][] = [['30s', 30_000], ['2m', 120_000], ['1h', 3_600_000], ['1h30m', 5_400_000], ['500ms', 500], ['1.5m', 90_000], [' 45 ', 45_000], [45, 45_000], [0, 0], ['0s', 0], [0.25, 250]];
    for (const [input, ms] of ok) {
      assert.deepEqual(parseDuration(input), { ms }, String(input));
    }
    for (const bad of ['', 'soon', '30', '-1s', '1x', '5 m', -1, Number.NaN, Infinity, null, {}, []].slice(0)) {
      if (bad === '30') {
        continue; // a number of seconds as text is accepted
      }
      assert.ok('error' in parseDuration(bad), `should refuse ${String(bad)}`);
    }
  });

  it('writes them back the way Prometheus reads them', () => {
    assert.deepEqual([90_000, 30_000, 5_400_000, 1500, 0].map(formatPromDuration), ['1m30s', '30s', '1h30m', '1s500ms', '0s']);
  });
});

describe('units and matchers', () => {
  it('infers the unit from the name suffix and formats values with it', () => {
    const f = (name: string, v: number): string => formatValue(v, inferUnit(name), { precise: true });
    assert.equal(f('process_cpu_usage_percent', 83.24), '83.2%');
    assert.equal(f('process_resident_memory_bytes', 148 * 1024 * 1024), '148 MiB');
    assert.equal(f('chat_message_latency_seconds', 0.512), '512 ms');
    assert.equal(f('chat_message_latency_seconds_p95', 3.2), '3.2 s');
    assert.equal(f('chat_messages_per_second', 12.5), '12.5/s');
    assert.equal(f('system_network_receive_bytes_per_second', 1.5 * 1024 * 1024), '1.5 MiB/s');
    assert.equal(f('chat_active_users', 42), '42');
    assert.equal(formatValue(42, unitFromWord('users'), { precise: true }), '42 users');
    assert.equal(formatValue(0.5, unitFromWord('seconds'), { precise: true }), '500 ms');
  });

  it('parses the prefix forms of label matchers', () => {
    assert.deepEqual(
      ['general', '=~gen.*', '!=x', '!~t.*', '=!=odd', ''].map((v) => parseLabelMatcher('room', v)),
      [
        { label: 'room', op: '=', value: 'general' },
        { label: 'room', op: '=~', value: 'gen.*' },
        { label: 'room', op: '!=', value: 'x' },
        { label: 'room', op: '!~', value: 't.*' },
        { label: 'room', op: '=', value: '!=odd' },
        { label: 'room', op: '=', value: '' },
      ],
    );
  });

  it('compares; NaN satisfies nothing', () => {
    assert.deepEqual((['>', '>=', '<', '<=', '==', '!='] as const).map((op) => compare(op, 5, 5)), [false, true, false, true, true, false]);
    assert.deepEqual((['>', '>=', '<', '<=', '==', '!='] as const).map((op) => compare(op, Number.NaN, 5)), [false, false, false, false, false, false]);
  });
});
