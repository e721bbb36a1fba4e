import * as assert from 'node:assert/strict';
import { MetricFamily, ParsedExposition, SampleColumnPool, StringInterner, parseExposition, parseExpositionBytes, parseFloatToken, plainDecimalAt } from '../../../src/core/scrape/parser';
import { decodeUtf8 } from '../../../src/core/scrape/promVerdict';
import { chatRegistry } from './exposition';
import { heapUsedAfterGc } from '../helpers/heap';
import { CHILD_NODE_TEST_TIMEOUT_MS, runWithNatives } from '../helpers/v8Natives';

function family(p: ParsedExposition, name: string): MetricFamily {
  const f = p.families.find((x) => x.name === name);
  assert.ok(f, `family ${name} not found in ${p.families.map((x) => x.name).join(', ')}`);
  return f;
}

function only(p: ParsedExposition, name: string): { labels: Record<string, string>; value: number } {
  const f = family(p, name);
  assert.equal(f.samples.length, 1, `${name} should have one sample`);
  const s = f.samples[0]!;
  return { labels: { ...s.labels }, value: s.value };
}

describe('parseExposition', () => {
  describe('real prom-client output', () => {
    for (const openMetrics of [false, true]) {
      const fmt = openMetrics ? 'OpenMetrics' : 'text 0.0.4';

      it(`round-trips families, types, help and values (${fmt})`, async () => {
        const { register, messages, activeUsers, latency } = chatRegistry(openMetrics);
        messages.inc(41);
        messages.inc();
        activeUsers.set({ room: 'lobby' }, 12);
        activeUsers.set({ room: 'café "☕" \\ back\nline' }, 3);
        for (const v of [0.003, 0.02, 0.02, 0.07, 0.3, 2]) {
          latency.observe(v);
        }
        const text = await register.metrics();
        const p = parseExposition(text);

        assert.deepEqual(p.problems, []);
        assert.equal(p.format, openMetrics ? 'openmetrics' : 'prometheus');
        assert.equal(p.sawEof, openMetrics);

        // OpenMetrics names a counter family without _total; its sample keeps it.
        const counterName = openMetrics ? 'chat_messages' : 'chat_messages_total';
        const counter = family(p, counterName);
        assert.equal(counter.type, 'counter');
        assert.equal(counter.help, 'Chat messages sent.');
        assert.deepEqual(counter.samples.map((s) => [s.name, s.value]), [['chat_messages_total', 42]]);

        const users = family(p, 'chat_active_users');
        assert.equal(users.type, 'gauge');
        assert.deepEqual(
          users.samples.map((s) => [s.labels['room'], s.value]),
          [
            ['lobby', 12],
            ['café "☕" \\ back\nline', 3],
          ],
        );

        const hist = family(p, 'chat_message_latency_seconds');
        assert.equal(hist.type, 'histogram');
        assert.deepEqual(
          hist.samples.map((s) => `${s.name}${s.labels['le'] !== undefined ? `{le=${s.labels['le']}}` : ''} ${s.value}`),
          [
            'chat_message_latency_seconds_bucket{le=0.005} 1',
            'chat_message_latency_seconds_bucket{le=0.01} 1',
            'chat_message_latency_seconds_bucket{le=0.05} 3',
            'chat_message_latency_seconds_bucket{le=0.1} 4',
            'chat_message_latency_seconds_bucket{le=0.5} 5',
            'chat_message_latency_seconds_bucket{le=1} 5',
            'chat_message_latency_seconds_bucket{le=+Inf} 6',
            `chat_message_latency_seconds_sum ${0.003 + 0.02 + 0.02 + 0.07 + 0.3 + 2}`,
            'chat_message_latency_seconds_count 6',
          ],
        );

        // Every family prom-client knows about comes back with its type and help.
        const json = await register.getMetricsAsJSON();
        for (const m of json) {
          const isCounter = String(m.type) === 'counter';
          const name = openMetrics && isCounter ? m.name.replace(/_total$/, '') : m.name;
          const f = family(p, name);
          assert.equal(f.type, m.type, name);
          assert.equal(f.help, m.help, name);
          const sampleNames = new Set(f.samples.map((s) => s.name));
          for (const v of m.values) {
            // prom-client's JSON names an OpenMetrics counter without _total; its sample has it.
            const expected = (v as { metricName?: string }).metricName ?? (openMetrics && isCounter ? name + '_total' : m.name);
            assert.ok(sampleNames.has(expected), `${name} lacks ${expected}`);
          }
        }
        // Values that do not move between collections round-trip exactly.
        assert.equal(only(p, 'nodejs_version_info').labels['version'], process.version);
        assert.equal(only(p, 'nodejs_version_info').value, 1);
      });
    }

    it('reads prom-client\'s "Nan" (OpenMetrics writes NaN that way) as NaN', async () => {
      const { register } = chatRegistry(true);
      const text = await register.metrics();
      const p = parseExposition(text);
      assert.deepEqual(p.problems, []);
      // The event-loop-lag mean is NaN until the histogram has data: prom-client writes "Nan".
      const mean = family(p, 'nodejs_eventloop_lag_mean_seconds').samples[0]!;
      if (/ Nan$/m.test(text)) {
        assert.ok(Number.isNaN(mean.value));
      } else {
        assert.ok(Number.isFinite(mean.value));
      }
    });
  });

  describe('metadata', () => {
    it('unescapes \\\\ and \\n in HELP (and \\" in OpenMetrics only)', () => {
      const p = parseExposition('# HELP a One \\\\ two\\nthree \\"q\\"\na 1\n');
      assert.equal(family(p, 'a').help, 'One \\ two\nthree \\"q\\"');
      const om = parseExposition('# HELP a One \\\\ two\\nthree \\"q\\"\na 1\n# EOF\n');
      assert.equal(family(om, 'a').help, 'One \\ two\nthree "q"');
    });

    it('keeps leading blanks of the help text and allows an empty one', () => {
      const p = parseExposition('# HELP a   spaced\n# HELP b\na 1\nb 2\n');
      assert.equal(family(p, 'a').help, '  spaced');
      assert.equal(family(p, 'b').help, '');
    });

    it('reads every TYPE of both formats', () => {
      const types = ['counter', 'gauge', 'histogram', 'summary', 'untyped', 'unknown', 'info', 'stateset', 'gaugehistogram'];
      const p = parseExposition(types.map((t, i) => `# TYPE m${i} ${t}`).join('\n') + '\n# EOF\n');
      assert.deepEqual(p.problems, []);
      assert.deepEqual(p.families.map((f) => f.type), types);
    });

    it('reports an unknown TYPE in one sentence and keeps the family untyped', () => {
      const p = parseExposition('# TYPE a countr\na 1\n');
      assert.equal(p.problems.length, 1);
      assert.match(p.problems[0]!, /^line 1: unknown metric type "countr" for a — use counter, gauge/);
      assert.equal(family(p, 'a').type, 'untyped');
      assert.equal(family(p, 'a').samples[0]!.value, 1);
    });

    it('reads UNIT', () => {
      const p = parseExposition('# TYPE req_seconds histogram\n# UNIT req_seconds seconds\n# EOF\n');
      assert.equal(family(p, 'req_seconds').unit, 'seconds');
    });

    it('applies a TYPE that comes after the samples, and the last of two, as Prometheus does', () => {
      const p = parseExposition('a_total 1\n# TYPE a_total counter\n# TYPE b gauge\n# TYPE b counter\nb 2\n');
      assert.deepEqual(p.problems, []);
      assert.equal(family(p, 'a_total').type, 'counter');
      assert.equal(family(p, 'b').type, 'counter');
      assert.equal(p.verdict.accept, true);
    });

    it('keeps the last of two HELP lines, as Prometheus does', () => {
      const p = parseExposition('# HELP a first\n# HELP a second\na 1\n');
      assert.deepEqual(p.problems, []);
      assert.equal(family(p, 'a').help, 'second');
    });

    it('reads 0.0.4 HELP text right after the name, dropping one character (promlex.l)', () => {
      const p = parseExposition('# HELP a-b text\na 1\n');
      assert.deepEqual(p.problems, []);
      assert.equal(family(p, 'a').help, 'b text');
    });

    it('ignores plain comments', () => {
      const p = parseExposition('# just a comment\n#no space\n# HELPER not help\na 1\n');
      assert.deepEqual(p.problems, []);
      assert.equal(only(p, 'a').value, 1);
    });
  });

  describe('# EOF', () => {
    it('reads # EOF as a plain comment in 0.0.4, so samples after it count', () => {
      const p = parseExposition('a 1\n# EOF\nb 2\n', { format: 'prometheus' });
      assert.deepEqual(p.families.map((f) => f.name), ['a', 'b']);
      assert.deepEqual(p.problems, []);
    });

    it('stops at # EOF and calls text after it an error', () => {
      const p = parseExposition('a 1\n# EOF\nb 2\n', { format: 'openmetrics' });
      assert.equal(p.sawEof, true);
      assert.deepEqual(p.verdict, { accept: false, line: 2, reason: 'unexpected data after # EOF', complete: true });
      assert.deepEqual(p.families.map((f) => f.name), ['a']);
      assert.deepEqual(p.problems, ["line 3: text after '# EOF' was ignored — '# EOF' must be the last line"]);
    });

    it('complains about a missing # EOF only in an OpenMetrics body that was not cut on purpose', () => {
      assert.match(parseExposition('a 1\n', { format: 'openmetrics' }).problems[0]!, /ended without '# EOF'/);
      assert.deepEqual(parseExposition('a 1\n', { format: 'openmetrics', partial: true }).problems, []);
      assert.deepEqual(parseExposition('a 1\n').problems, []);
    });
  });

  describe('labels', () => {
    it('reads values holding } , = spaces and unicode', () => {
      const p = parseExposition('m{a="x}y",b="1,2",c="k=v",d="  two  spaces ",e="日本語 ☕ 🚀"} 1\n');
      assert.deepEqual(p.problems, []);
      assert.deepEqual(only(p, 'm').labels, { a: 'x}y', b: '1,2', c: 'k=v', d: '  two  spaces ', e: '日本語 ☕ 🚀' });
    });

    it('unescapes \\\\, \\" and \\n in values', () => {
      const p = parseExposition('m{path="C:\\\\dir\\\\",say="\\"hi\\"",multi="a\\nb"} 1\n');
      assert.deepEqual(only(p, 'm').labels, { path: 'C:\\dir\\', say: '"hi"', multi: 'a\nb' });
    });

    it('keeps an unknown escape as written, as Prometheus does (\\t stays two characters)', () => {
      const p = parseExposition('m{a="x\\ty"} 1\nok 2\n');
      assert.deepEqual(p.problems, []);
      assert.deepEqual(only(p, 'm').labels, { a: 'x\\ty' });
      assert.equal(p.verdict.accept, true);
    });

    it('drops a label whose value is empty (Prometheus stores none)', () => {
      const p = parseExposition('m{a="",b="1"} 1\n');
      assert.deepEqual(only(p, 'm').labels, { b: '1' });
    });

    it('reads 0.0.4 labels without a comma between them, as promparse.go does', () => {
      const p = parseExposition('m{a="1" b="2"} 1\n');
      assert.deepEqual(p.problems, []);
      assert.deepEqual(only(p, 'm').labels, { a: '1', b: '2' });
      assert.equal(p.verdict.accept, true);
    });

    it('reads a 0.0.4 label value that holds a raw newline, and counts the lines', () => {
      const p = parseExposition('m{a="1\n2"} 1\nn 2\nbad x\n');
      assert.deepEqual(only(p, 'm').labels, { a: '1\n2' });
      assert.equal(only(p, 'n').value, 2);
      assert.match(p.problems[0]!, /^line 4: bad has value "x"/);
      assert.equal(p.verdict.line, 4);
    });

    it('skips a sample that repeats the metric name as a __name__ label', () => {
      const p = parseExposition('m{__name__="x"} 1\nok 2\n');
      assert.deepEqual(p.families.map((f) => f.name), ['ok']);
      assert.match(p.problems[0]!, /^line 1: m: the metric name is given again as a __name__ label/);
      assert.deepEqual(p.verdict, { accept: false, line: 1, reason: 'label name "__name__" is not unique: invalid sample', complete: true });
    });

    it('skips a sample whose label value held invalid UTF-8, and Prometheus would reject it', () => {
      const { text, invalidUtf8At } = decodeUtf8(Buffer.concat([Buffer.from('ok 1\nm{a="'), Buffer.from([0xff]), Buffer.from('"} 1\n')]));
      const p = parseExposition(text, { invalidUtf8At });
      assert.deepEqual(p.families.map((f) => f.name), ['ok']);
      assert.match(p.problems[0]!, /^line 2: m: the value of label a is not valid UTF-8/);
      assert.deepEqual(p.verdict, { accept: false, line: 2, reason: 'invalid UTF-8 label value', complete: true });
      // The same character written as valid UTF-8 is fine.
      assert.equal(parseExposition('m{a="\ufffd"} 1\n').verdict.accept, true);
    });

    it('accepts an empty label set {}', () => {
      const p = parseExposition('m{} 7\n');
      assert.deepEqual(p.problems, []);
      assert.deepEqual(only(p, 'm'), { labels: {}, value: 7 });
    });

    it('accepts a trailing comma', () => {
      const p = parseExposition('m{a="1",} 7\n');
      assert.deepEqual(p.problems, []);
      assert.deepEqual(only(p, 'm').labels, { a: '1' });
    });

    it('accepts blanks around label tokens (0.0.4 allows them)', () => {
      const p = parseExposition('m { a = "1" , b="2" } 7\n');
      assert.deepEqual(p.problems, []);
      assert.deepEqual(only(p, 'm').labels, { a: '1', b: '2' });
    });

    it('keeps a label named __proto__ as a label', () => {
      const p = parseExposition('m{__proto__="x"} 1\n');
      assert.deepEqual(Object.keys(only(p, 'm').labels), ['__proto__']);
      assert.equal(only(p, 'm').labels['__proto__'], 'x');
    });

    const bad: Array<[string, string, RegExp]> = [
      ['an unquoted value', 'm{room=lobby} 1', /^line 1: m: the value of label room is not quoted — write room="value"$/],
      ['a missing =', 'm{room"x"} 1', /^line 1: m: label room has no '=' after its name$/],
      ['an unclosed value', 'm{room="x} 1', /^line 1: m: the value of label room has no closing quote$/],
      ['an unclosed set', 'm{room="x" 1', /^line 1: m: expected ',' or '}' after the value of label room/],
      ['a bad label name', 'm{1a="x"} 1', /^line 1: m: expected a label name, found "1a=\\"x\\"} 1"/],
      ['a duplicate label', 'm{a="1",a="2"} 1', /^line 1: m: label a appears twice$/],
    ];
    for (const [what, line, re] of bad) {
      it(`describes ${what} in one sentence and goes on with the next line`, () => {
        const p = parseExposition(`${line}\nnext 2\n`);
        assert.equal(p.problems.length, 1, p.problems.join(' | '));
        assert.match(p.problems[0]!, re);
        assert.equal(only(p, 'next').value, 2);
        assert.equal(p.families.some((f) => f.name === 'm'), false);
      });
    }
  });

  describe('values and timestamps', () => {
    it('reads +Inf, -Inf, NaN and Go float spellings', () => {
      const p = parseExposition('a +Inf\nb -Inf\nc NaN\nd 1e3\ne -0.5\nf .5\ng Infinity\nh 1.5E-3\n');
      assert.deepEqual(p.problems, []);
      const v = (n: string): number => only(p, n).value;
      assert.equal(v('a'), Infinity);
      assert.equal(v('b'), -Infinity);
      assert.ok(Number.isNaN(v('c')));
      assert.equal(v('d'), 1000);
      assert.equal(v('e'), -0.5);
      assert.equal(v('f'), 0.5);
      assert.equal(v('g'), Infinity);
      assert.equal(v('h'), 0.0015);
    });

    it('refuses a value out of float64 range (1e400), as Go\'s ParseFloat does, and whitespace JS would trim', () => {
      const p = parseExposition('a 1e400\nb -1e400\nc 1e-400\nd 1\u000b\n');
      assert.deepEqual(p.families.map((f) => f.name), ['c']);
      assert.equal(only(p, 'c').value, 0);
      assert.match(p.problems[0]!, /^line 1: a has value "1e400", which is not a number/);
      assert.deepEqual(p.verdict, { accept: false, line: 1, reason: 'strconv.ParseFloat: parsing "1e400": value out of range', complete: true });
    });

    it('rejects what is not a number, including JS-only spellings like 0x10', () => {
      const p = parseExposition('a one\nb 0x10\nc 1_000\nd\n');
      assert.equal(p.families.length, 0);
      assert.deepEqual(p.problems, [
        'line 1: a has value "one", which is not a number (use digits, +Inf, -Inf or NaN)',
        'line 2: b has value "0x10", which is not a number (use digits, +Inf, -Inf or NaN)',
        'line 3: c has value "1_000", which is not a number (use digits, +Inf, -Inf or NaN)',
        'line 4: d has no value — write it after a space, like d 1',
      ]);
    });

    it('reads 0.0.4 timestamps as integer ms and keeps the raw text', () => {
      const p = parseExposition('a 1 1395066363000\nb 2 -5\nc 3 1.5\n');
      assert.equal(family(p, 'a').samples[0]!.timestampMs, 1395066363000);
      assert.equal(family(p, 'a').samples[0]!.timestampRaw, '1395066363000');
      // promlex.l: a timestamp is [0-9]+, so a negative one is refused.
      assert.deepEqual(p.problems, [
        'line 2: b has timestamp "-5", which is not a whole, non-negative number of milliseconds',
        'line 3: c has timestamp "1.5", which is not a whole, non-negative number of milliseconds',
      ]);
      assert.deepEqual(p.verdict, { accept: false, line: 2, reason: 'expected timestamp or new record, got "INVALID"', complete: true });
    });

    it('reads OpenMetrics timestamps as float seconds and keeps the raw text', () => {
      const p = parseExposition('a 1 1395066363.5\n# EOF\n');
      const s = family(p, 'a').samples[0]!;
      assert.equal(s.timestampMs, 1395066363500);
      assert.equal(s.timestampRaw, '1395066363.5');
    });

    it('makes fractional OpenMetrics timestamps integer ms as Prometheus does: int64(ts*1000)', () => {
      const p = parseExposition('a 1 1520879607.7891\nb 1 0.0005\nc 1 -0.0015\nd 1 -1.5\n# EOF\n');
      const ts = (n: string) => family(p, n).samples[0]!.timestampMs;
      assert.deepEqual([ts('a'), ts('b'), ts('c'), ts('d')], [1520879607789, 0, -1, -1500]);
      assert.equal(p.verdict.accept, true);
    });

    it('reads OpenMetrics exemplars on buckets and counters; elsewhere they are skipped and the sample kept', () => {
      const body = [
        '# TYPE rq histogram',
        'rq_bucket{le="0.1"} 3 # {trace_id="KOO5S4vxi0o"} 0.067 1601900000.123',
        'rq_bucket{le="+Inf"} 4 # {trace_id="x",user="<b>"} 9',
        'rq_count 4 1601900001 # {trace_id="y"} 1',
        '# TYPE c counter',
        'c_total 7 # {trace_id="4bf92f3577b34da6a3ce929d0e0e4736"} 1 1601900002',
        '# EOF',
        '',
      ].join('\n');
      const p = parseExposition(body);
      assert.deepEqual(p.problems, []);
      assert.deepEqual(family(p, 'rq').samples.map((s) => [s.name, s.value, s.timestampMs]), [
        ['rq_bucket', 3, undefined],
        ['rq_bucket', 4, undefined],
        ['rq_count', 4, 1601900001000],
      ]);
      assert.deepEqual(family(p, 'rq').samples.map((s) => s.exemplar), [
        { labels: { trace_id: 'KOO5S4vxi0o' }, value: 0.067, timestampMs: 1601900000123 },
        { labels: { trace_id: 'x', user: '<b>' }, value: 9 },
        undefined, // _count may not carry one (Prometheus refuses the line: see the verdict)
      ]);
      assert.deepEqual(family(p, 'c').samples[0]!.exemplar, { labels: { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' }, value: 1, timestampMs: 1601900002000 });
      // The sample's own labels are untouched by the exemplar's.
      assert.deepEqual(family(p, 'rq').samples[1]!.labels, { le: '+Inf' });
    });

    it('keeps the sample and drops an exemplar that does not read; a 0.0.4 body has none', () => {
      const body = [
        '# TYPE rq histogram',
        'rq_bucket{le="1"} 1 # {trace_id="a"',
        'rq_bucket{le="2"} 2 # {trace_id="a"} x',
        'rq_bucket{le="3"} 3 # trace_id="a" 1',
        'rq_bucket{le="+Inf"} 4 # {trace_id="a"} 1 1 extra',
        '# EOF',
        '',
      ].join('\n');
      const p = parseExposition(body);
      assert.deepEqual(family(p, 'rq').samples.map((s) => [s.value, s.exemplar]), [[1, undefined], [2, undefined], [3, undefined], [4, undefined]]);
      assert.equal(p.verdict.accept, false);
      const text = parseExposition('# TYPE rq histogram\nrq_bucket{le="+Inf"} 4 # {trace_id="a"} 1\n', { format: 'prometheus' });
      assert.equal(family(text, 'rq').samples[0]!.exemplar, undefined);
    });

    it('a gauge with an exemplar: the sample is read, no exemplar, and the verdict says Prometheus refuses it', () => {
      const p = parseExposition('# TYPE g gauge\ng 1 # {trace_id="x"} 1\n# EOF\n');
      assert.deepEqual(family(p, 'g').samples.map((s) => [s.value, s.exemplar]), [[1, undefined]]);
      assert.equal(p.verdict.accept, false);
    });

    it('says what follows the value when it is neither a timestamp nor an exemplar', () => {
      const p = parseExposition('a 1 2 3\n');
      assert.deepEqual(p.problems, ['line 1: unexpected "3" after the value of a']);
    });
  });

  describe('families', () => {
    it('groups histogram, summary and counter samples under their TYPEd base name', () => {
      const body = [
        '# TYPE h histogram',
        'h_bucket{le="1"} 1',
        'h_bucket{le="+Inf"} 2',
        'h_sum 3',
        'h_count 2',
        '# TYPE s summary',
        's{quantile="0.5"} 1',
        's_sum 4',
        's_count 5',
        '# TYPE c counter',
        'c_total 6',
        '# TYPE g gauge',
        'g 7',
        '# TYPE i info',
        'i_info{version="1"} 1',
        '# EOF',
      ].join('\n');
      const p = parseExposition(body);
      assert.deepEqual(p.problems, []);
      assert.deepEqual(
        p.families.map((f) => [f.name, f.type, f.samples.map((s) => s.name).join(',')]),
        [
          ['h', 'histogram', 'h_bucket,h_bucket,h_sum,h_count'],
          ['s', 'summary', 's,s_sum,s_count'],
          ['c', 'counter', 'c_total'],
          ['g', 'gauge', 'g'],
          ['i', 'info', 'i_info'],
        ],
      );
    });

    it('does not give a gauge the _count or _sum of a name it merely prefixes', () => {
      const p = parseExposition('# TYPE g gauge\ng 1\ng_count 2\n');
      assert.deepEqual(p.families.map((f) => [f.name, f.type]), [
        ['g', 'gauge'],
        ['g_count', 'untyped'],
      ]);
    });

    it('makes an untyped family of a sample without metadata, and regroups a family split in two', () => {
      const p = parseExposition('# TYPE h histogram\nh_bucket{le="+Inf"} 1\nother 5\nh_count 1\n');
      assert.deepEqual(p.families.map((f) => [f.name, f.type, f.samples.length]), [
        ['h', 'histogram', 2],
        ['other', 'untyped', 1],
      ]);
    });

    it('keeps OpenMetrics _created samples as created timestamps, not series', () => {
      const body = [
        '# TYPE c counter',
        'c_total{r="a"} 6',
        'c_created{r="a"} 1700000000.5',
        '# TYPE h histogram',
        'h_bucket{le="+Inf"} 1',
        'h_count 1',
        'h_sum 1',
        'h_created 1700000001',
        '# EOF',
      ].join('\n');
      const p = parseExposition(body);
      assert.deepEqual(p.problems, []);
      assert.deepEqual(family(p, 'c').samples.map((s) => s.name), ['c_total']);
      assert.deepEqual(family(p, 'c').created, [{ labels: { r: 'a' }, createdSeconds: 1700000000.5, name: 'c_created' }]);
      assert.deepEqual(family(p, 'h').created, [{ labels: {}, createdSeconds: 1700000001, name: 'h_created' }]);
      assert.equal(p.sampleCount, 4);
    });

    it("folds prometheus_client's 0.0.4 foo_created gauge family into foo", () => {
      // What prometheus_client (the Python example server's library) writes in 0.0.4.
      const body = [
        '# HELP chat_messages_total Messages.',
        '# TYPE chat_messages_total counter',
        'chat_messages_total 3.0',
        '# HELP chat_messages_created Messages.',
        '# TYPE chat_messages_created gauge',
        'chat_messages_created 1.7000000005e+09',
        '',
      ].join('\n');
      const p = parseExposition(body);
      assert.deepEqual(p.families.map((f) => f.name), ['chat_messages_total']);
      assert.deepEqual(family(p, 'chat_messages_total').created, [{ labels: {}, createdSeconds: 1700000000.5, name: 'chat_messages_created' }]);
    });
  });

  describe('robustness', () => {
    it('gives each bad line one sentence with its number and parses the rest', () => {
      const body = ['good 1', '{a="b"} 2', 'm{a=b} 3', 'also_good{x="y"} 4', 'bad-name 5', ''].join('\n');
      const p = parseExposition(body);
      assert.deepEqual(p.families.map((f) => f.name), ['good', 'also_good']);
      assert.equal(p.problems.length, 3);
      assert.match(p.problems[0]!, /^line 2: /);
      assert.match(p.problems[1]!, /^line 3: m: the value of label a is not quoted/);
      // 0.0.4 reads the value right after the name (promlex.l): `bad-name 5` has value "-name".
      assert.match(p.problems[2]!, /^line 5: bad has value "-name"/);
    });

    it('bounds the problems it keeps and counts the rest', () => {
      const body = Array.from({ length: 200 }, (_, i) => `bad${i} x`).join('\n');
      const p = parseExposition(body, { maxProblems: 10 });
      assert.equal(p.problems.length, 11);
      assert.equal(p.problems[10], '…and 190 more bad lines, skipped like the ones above.');
    });

    it('reads CRLF line endings and leading blanks', () => {
      const p = parseExposition('# TYPE a gauge\r\n  a{x="1"} 1\r\n\tb 2\r\n');
      assert.deepEqual(p.problems, []);
      assert.equal(only(p, 'a').value, 1);
      assert.equal(only(p, 'b').value, 2);
      assert.equal(family(p, 'a').type, 'gauge');
    });

    it('stops at maxSeries and says how many samples were left out', () => {
      const body = Array.from({ length: 25 }, (_, i) => `m{i="${i}"} ${i}`).join('\n') + '\n# EOF\n';
      const p = parseExposition(body, { maxSeries: 10 });
      assert.equal(p.sampleCount, 10);
      assert.deepEqual(p.truncated, { maxSeries: 10, droppedSamples: 15 });
      assert.equal(family(p, 'm').samples.length, 10);
      assert.equal(p.sawEof, true);
    });

    it('from bytes: stops at maxSeries sample lines, decodes only the text before the next one, and counts the rest over the bytes', () => {
      const head = '# TYPE m gauge\n' + Array.from({ length: 10 }, (_, i) => `m{i="${i}"} ${i}`).join('\n') + '\n# TYPE n gauge\n';
      const tail = Array.from({ length: 14 }, (_, i) => `n{i="${i}"} ${i}`).join('\n') + '\n';
      // Past the limit: a label value that is not UTF-8 — Prometheus refuses the whole body for it.
      const bad = Buffer.concat([Buffer.from('n{i="'), Buffer.from([0xff]), Buffer.from('"} 1\n# EOF\n')]);
      const bytes = Buffer.concat([Buffer.from(head + tail), bad]);
      const decoded: number[] = [];
      const toString = Buffer.prototype.toString;
      Buffer.prototype.toString = function (this: Buffer, ...args: unknown[]): string {
        const s = (toString as (...a: unknown[]) => string).apply(this, args);
        decoded.push(s.length);
        return s;
      };
      let p: ParsedExposition;
      try {
        p = parseExpositionBytes(bytes, { maxSeries: 10, format: 'openmetrics' });
      } finally {
        Buffer.prototype.toString = toString;
      }
      assert.equal(p.sampleCount, 10);
      assert.deepEqual(p.truncated, { maxSeries: 10, droppedSamples: 15 });
      assert.equal(p.sawEof, true);
      assert.deepEqual(family(p, 'm').samples.map((x) => x.value), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.equal(family(p, 'n').type, 'gauge', 'metadata before the first dropped line is still read');
      assert.deepEqual(p.verdict, { accept: false, line: 27, reason: 'invalid UTF-8 label value', complete: true });
      assert.equal(Math.max(...decoded), head.length, 'only the text up to the first sample past the limit was decoded');
    });

    it('from bytes: the same families, problems and verdict as from the decoded text, for random bodies', () => {
      let seed = 777;
      const rand = (n: number): number => {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        return (seed >>> 0) % n;
      };
      const alphabet = '{}=",\\\n #\tabc_:019.+-eEInfNaN\r☕\u0000';
      for (let iter = 0; iter < 1000; iter++) {
        const body = Array.from({ length: rand(300) }, () => (rand(4) === 0 ? String.fromCharCode(rand(0x3000)) : alphabet[rand(alphabet.length)]!)).join('');
        for (const format of ['prometheus', 'openmetrics'] as const) {
          const a = parseExposition(body, { format });
          const b = parseExpositionBytes(Buffer.from(body), { format });
          assert.deepEqual(b, a, JSON.stringify(body));
        }
      }
    });

    it('into columns: the same samples as the ParsedSample objects, none made, the columns refilled body after body', () => {
      let seed = 4242;
      const rand = (n: number): number => {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        return (seed >>> 0) % n;
      };
      const alphabet = '{}=",\\\n #\tabc_:019.+-eEInfNaN\r☕';
      const lines = ['# TYPE h histogram', 'h_bucket{le="1"} 2 # {trace_id="ab"} 0.5', 'h_bucket{le="+Inf"} 3', 'h_count 3', 'h_sum 1.5', '# TYPE c counter', 'c_total{a="x"} 7', 'g{b="y"} -1.5 123'];
      const pool = new SampleColumnPool();
      const columnsSeen = new Set<unknown>();
      for (let iter = 0; iter < 500; iter++) {
        const noise = Array.from({ length: rand(200) }, () => alphabet[rand(alphabet.length)]!).join('');
        const body = [...lines.slice(0, rand(lines.length + 1)), noise, 'g{b="z"} 2', iter % 2 ? '# EOF' : ''].join('\n') + '\n';
        for (const format of ['prometheus', 'openmetrics'] as const) {
          const objects = parseExpositionBytes(Buffer.from(body), { format });
          const cols = parseExpositionBytes(Buffer.from(body), { format, columns: pool });
          assert.deepEqual(cols.problems, objects.problems);
          assert.equal(cols.sampleCount, objects.sampleCount);
          assert.equal(cols.families.length, objects.families.length);
          cols.families.forEach((f, k) => {
            const o = objects.families[k]!;
            assert.deepEqual([f.name, f.type, f.help, f.unit, f.created], [o.name, o.type, o.help, o.unit, o.created]);
            assert.equal(f.samples.length, 0, 'no ParsedSample objects');
            const rows = f.columns;
            const fromColumns = rows === undefined ? [] : Array.from({ length: rows.length }, (_, i) => ({ name: rows.name(i), labels: rows.labels(i), value: rows.value(i), exemplar: rows.exemplar(i) }));
            assert.deepEqual(fromColumns, o.samples.map((x) => ({ name: x.name, labels: x.labels, value: x.value, exemplar: x.exemplar })), JSON.stringify(body));
            if (rows !== undefined) columnsSeen.add(rows);
          });
        }
      }
      assert.ok(columnsSeen.size <= 8, `the pool hands out the same columns again (${columnsSeen.size} made for 1,000 bodies)`);
    });

    it('never throws: thousands of random bodies and mutations of a real one', async () => {
      const { register, latency, activeUsers } = chatRegistry(true);
      activeUsers.set({ room: 'a"b\\c' }, 1);
      latency.observe(0.2);
      const real = await register.metrics();
      let seed = 12345;
      const rand = (n: number): number => {
        // xorshift: deterministic, so a failure can be replayed
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        return (seed >>> 0) % n;
      };
      const alphabet = '{}=",\\\n #\tabc_:019.+-eEInfNaN\r☕\u0000';
      let parsed = 0;
      for (let iter = 0; iter < 3000; iter++) {
        let body: string;
        if (iter % 3 === 0) {
          body = Array.from({ length: rand(400) }, () => String.fromCharCode(rand(0x3000))).join('');
        } else {
          const chars = [...real];
          for (let k = rand(30) + 1; k > 0; k--) {
            const at = rand(chars.length);
            const op = rand(3);
            if (op === 0) {
              chars.splice(at, 1);
            } else if (op === 1) {
              chars.splice(at, 0, alphabet[rand(alphabet.length)]!);
            } else {
              chars[at] = alphabet[rand(alphabet.length)]!;
            }
          }
          body = chars.join('');
        }
        const p = parseExposition(body, { maxSeries: 1 + rand(100) });
        assert.ok(Array.isArray(p.problems));
        parsed += p.sampleCount;
      }
      assert.ok(parsed > 0);
      // A non-string from careless JS callers is a sentence, not a TypeError.
      const p = parseExposition(undefined as unknown as string);
      assert.deepEqual(p.problems, ['The metrics body is not text, so it cannot be parsed.']);
    });
  });

  describe('memory', () => {
    it('copies what it keeps, so a kept label value does not pin the whole body', () => {
      const heapMb = (): number => heapUsedAfterGc() / 1e6;
      const kept: string[] = [];
      const before = heapMb();
      for (let k = 0; k < 10; k++) {
        // A fresh 4 MB body each time, as each scrape reads one.
        const body = `m{room="room-number-${k}-long-enough-to-be-a-slice"} 1\n` + `# ${'x'.repeat(80)}\n`.repeat(50_000);
        const labels = only(parseExposition(body), 'm').labels;
        kept.push(labels['room']!);
      }
      const grownMb = heapMb() - before;
      // Ten pinned bodies would be 40 MB; one may still sit in a stack slot until the next call.
      assert.equal(kept.length, 10);
      assert.ok(grownMb < 10, `kept label values hold ${grownMb.toFixed(1)} MB of bodies`);
    });

    it('hands out one interned string per distinct name across parses', () => {
      const interner = new StringInterner(3);
      parseExposition('metric_with_a_long_name{long_label_value="aaaaaaaaaaaaaaaa"} 1\n', { interner });
      assert.equal(interner.size, 3); // name, label name, long value
      parseExposition('metric_with_a_long_name{long_label_value="aaaaaaaaaaaaaaaa"} 2\n', { interner });
      assert.equal(interner.size, 3);
      parseExposition('another_name 1\n', { interner });
      assert.equal(interner.size, 1, 'a full table starts over instead of growing');
    });
  });
});

describe('plainDecimalAt: a sample value read in place, without a string', () => {
  it('gives exactly what parseFloatToken gives for every plain decimal, and NaN (use parseFloatToken) for anything else', () => {
    const tokens = ['0', '-0', '7', '007', '42.', '.5', '-.5', '0.1', '0.3', '-12.75', '123456789012345', '9007199254740991', '9007199254740992', '1.7976931348623157', '3.0000000000000000000001', '0.00000000000000000000001', '12345678901234567890', '1e3', '+5', '-', '.', '1.2.3', 'NaN', '+Inf', '0x10', '1_000', ''];
    let seed = 1;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let k = 0; k < 20_000; k++) {
      const digits = 1 + rnd(20);
      let t = rnd(3) === 0 ? '-' : '';
      const point = rnd(digits + 2);
      for (let d = 0; d < digits; d++) {
        if (d === point) t += '.';
        t += String(rnd(10));
      }
      tokens.push(t);
    }
    for (const t of tokens) {
      const text = `  ${t} `;
      const fast = plainDecimalAt(text, 2, 2 + t.length);
      if (fast === fast) {
        assert.ok(Object.is(fast, parseFloatToken(t)), `${t}: ${fast} vs ${parseFloatToken(t)}`);
      } else {
        const [whole = '', fraction = ''] = t.replace(/^-/, '').split('.');
        const plain = /^-?(\d+\.?\d*|\.\d+)$/.test(t) && BigInt(whole + fraction) <= BigInt(Number.MAX_SAFE_INTEGER) && fraction.length <= 22;
        assert.ok(!plain, `${t} is plain: it should be read in place`);
      }
    }
  });
});

describe('parseFloatToken: compiled once', () => {
  it('keeps its optimised code when it reads a one-character or empty token (no read past the end)', () => {
    // V8's natives syntax needs a flag at start-up: a child process of its own (~0.1 s).
    const parser = require.resolve('../../../src/core/scrape/parser');
    const script = `
      const { parseFloatToken: f } = require(${JSON.stringify(parser)});
      %PrepareFunctionForOptimization(f);
      for (const t of ['12', '1e3', '0.5', '+Inf', 'NaN', '12', '1e3']) f(t);
      %OptimizeFunctionOnNextCall(f);
      f('1e3');
      const before = %GetOptimizationStatus(f);
      const read = [f('5'), f(''), f('-')];
      const after = %GetOptimizationStatus(f);
      process.stdout.write(JSON.stringify({ before: (before & 16) !== 0, after: (after & 16) !== 0, read }));`;
    const out = runWithNatives(script);
    assert.deepEqual(JSON.parse(out), { before: true, after: true, read: [5, null, null] });
  }).timeout(CHILD_NODE_TEST_TIMEOUT_MS);
});
