import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../../src/cli/command';
import { COMMANDS } from '../../../src/cli/commands';
import { Sample } from '../../../src/core/model';
import { exportNumber, exportSeriesName, writeCsv, writeOpenMetrics } from '../../../src/core/store/historyExport';
import { HistoryLog, SeriesHistory } from '../../../src/core/store/historyLog';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err };
}

const h = (name: string, labels: Record<string, string>, times: number[], values: number[]): SeriesHistory => ({
  name,
  labels,
  times: Float64Array.from(times),
  values: Float64Array.from(values),
});

/** Values whose text form is easy to get wrong: signed zero, infinities, the extremes, a value with 17 significant digits. */
const HARD = [0, -0, 1e-300, 5e-324, Number.MAX_VALUE, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.1 + 0.2, -123.456, 2 ** 53 + 2];

/** `promtool tsdb dump` lines: `{__name__="x", a="b"} value timestamp_ms`. */
function parseDump(text: string): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  for (const line of text.split('\n')) {
    const m = /^\{(.*)\} (\S+) (-?\d+)$/.exec(line);
    if (!m) {
      continue;
    }
    const labels: Record<string, string> = {};
    for (const l of m[1]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]!] = JSON.parse(`"${l[2]!}"`) as string;
    }
    const name = labels.__name__!;
    delete labels.__name__;
    const key = exportSeriesName(name, labels);
    const v = m[2] === '+Inf' ? Infinity : m[2] === '-Inf' ? -Infinity : Number(m[2]);
    const list = out.get(key) ?? [];
    list.push([Number(m[3]), v]);
    out.set(key, list);
  }
  return out;
}

describe('history export (OpenMetrics, CSV)', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  const newDir = (): string => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-export-'));
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('writes numbers that read back to the same float64, signed zero and infinities included', () => {
    for (const v of HARD) {
      const text = exportNumber(v);
      const back = text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text);
      assert.ok(Object.is(back, v), `${v} → ${text}`);
    }
  });

  it('OpenMetrics: one family per name, escaped label values, times in seconds exact to the ms, # EOF', () => {
    const chunks: string[] = [];
    const count = writeOpenMetrics(
      [h('b_bytes', { room: 'say "hi"\\\nnow' }, [1000, 2500], [1, -0]), h('a.x', {}, [1001], [Infinity]), h('b_bytes', { room: 'r2', 'bad-name': 'v' }, [1000], [3])],
      (c) => chunks.push(c),
    );
    assert.deepEqual(count, { series: 3, samples: 4 });
    assert.equal(
      chunks.join(''),
      [
        '# TYPE a_x gauge',
        'a_x +Inf 1.001',
        '# TYPE b_bytes gauge',
        'b_bytes{room="say \\"hi\\"\\\\\\nnow"} 1 1',
        'b_bytes{room="say \\"hi\\"\\\\\\nnow"} -0 2.500',
        'b_bytes{bad_name="v",room="r2"} 3 1',
        '# EOF',
        '',
      ].join('\n'),
    );
  });

  it('CSV: a row per tick, a column per series, empty where a series has no sample, header cells quoted and starting with the metric name (never a formula)', () => {
    const chunks: string[] = [];
    writeCsv([h('m', { k: '=cmd|x' }, [1000, 3000], [1, 3]), h('a', { k: 'q"uote,comma' }, [1000, 2000], [0.5, -0])], (c) => chunks.push(c));
    const lines = chunks.join('').split('\r\n');
    assert.equal(lines[0], 'time,timestamp_ms,"a{k=""q\\""uote,comma""}","m{k=""=cmd|x""}"');
    assert.equal(lines[1], '1970-01-01T00:00:01.000Z,1000,0.5,1');
    assert.equal(lines[2], '1970-01-01T00:00:02.000Z,2000,-0,');
    assert.equal(lines[3], '1970-01-01T00:00:03.000Z,3000,,3');
    assert.equal(lines[4], '');
  });

  it('opens a history read-only beside its writer: nothing cut, nothing written, a torn tail only reported', () => {
    const dir = newDir();
    const { log } = HistoryLog.open(dir, { blockTicks: 2 });
    for (let i = 0; i < 6; i++) {
      log.append(1_000_000 + i * 1000, [{ name: 'x', labels: {}, value: i }]);
    }
    log.dispose();
    const file = path.join(dir, fs.readdirSync(dir).filter((f) => f.endsWith('.crmh'))[0]!);
    fs.appendFileSync(file, Buffer.from([9, 0, 0, 0, 1, 2]));
    const before = fs.readFileSync(file);
    const { log: reader, recovery } = HistoryLog.open(dir, { readOnly: true, retentionMs: 1 });
    assert.equal(recovery.problems.length, 1);
    assert.match(recovery.problems[0]!, /left as it is/);
    assert.deepEqual([...reader.read(-Infinity, Infinity).get('x')!.values], [0, 1, 2, 3, 4, 5]);
    assert.equal(reader.newestTimeMs, 1_005_000);
    assert.throws(() => reader.append(2_000_000, []), /read-only/);
    reader.dispose();
    assert.ok(fs.readFileSync(file).equals(before), 'the file is unchanged (no truncation, no retention)');
    assert.throws(() => HistoryLog.open(path.join(dir, 'missing'), { readOnly: true }), /ENOENT/);
  });

  it('`history export` is loaded by the real promtool (create-blocks-from openmetrics) and `promtool tsdb dump` returns the same values', async () => {
    const dir = newDir();
    const store = path.join(dir, 'history');
    const { log } = HistoryLog.open(store, { blockTicks: 16, segmentBytes: 4000 });
    const t0 = Date.UTC(2026, 10, 29, 20, 0, 0);
    const expected = new Map<string, [number, number][]>();
    const labelsOf: Record<string, string>[] = [{}, { room: 'général "lobby"\\ \n2' }, { room: 'b', instance: '127.0.0.1:8080' }];
    for (let i = 0; i < 300; i++) {
      const t = t0 + i * 1000 + (i % 7); // jitter: the export is exact to the millisecond
      const samples: Sample[] = [];
      for (let s = 0; s < labelsOf.length; s++) {
        if (s === 2 && i % 5 === 0) {
          continue; // a series missing from some ticks
        }
        const value = s === 0 ? HARD[i % HARD.length]! : Math.sin(i / 10 + s) * 1e3;
        const name = s === 0 ? 'process_cpu_usage_percent' : 'chat_message_latency_seconds_p95';
        samples.push({ name, labels: labelsOf[s]!, value });
        const key = exportSeriesName(name, labelsOf[s]!);
        const list = expected.get(key) ?? [];
        list.push([t, value]);
        expected.set(key, list);
      }
      log.append(t, samples);
    }
    log.dispose();

    const om = path.join(dir, 'export.om');
    const c = capture();
    assert.equal(await runCli(COMMANDS, ['history', 'export', '--store', store, '--format', 'openmetrics', '--out', om], c.io), 0, c.err.join(''));
    assert.match(c.err.join(''), /wrote 840 samples of 3 series/);

    const db = path.join(dir, 'tsdb');
    execFileSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', om, db], { stdio: 'pipe' });
    fs.mkdirSync(path.join(db, 'wal'), { recursive: true }); // promtool 2.42's dump opens the WAL folder
    const dumped = parseDump(execFileSync('promtool', ['tsdb', 'dump', db], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
    assert.deepEqual([...dumped.keys()].sort(), [...expected.keys()].sort());
    for (const [key, samples] of expected) {
      const got = dumped.get(key)!;
      assert.equal(got.length, samples.length, key);
      for (let i = 0; i < samples.length; i++) {
        assert.equal(got[i]![0], samples[i]![0], `${key}: time of sample ${i}`);
        assert.ok(Object.is(got[i]![1], samples[i]![1]), `${key} at ${samples[i]![0]}: ${got[i]![1]} is not ${samples[i]![1]}`);
      }
    }

    // A window and one series, as CSV on stdout.
    const csv = capture();
    const from = new Date(t0 + 100_000).toISOString();
    assert.equal(await runCli(COMMANDS, ['history', 'export', '--store', store, '--format', 'csv', '--from', from, '--series', 'process_cpu_usage_percent'], csv.io), 0);
    const rows = csv.out.join('').trim().split('\r\n');
    assert.equal(rows[0], 'time,timestamp_ms,process_cpu_usage_percent');
    assert.equal(rows.length, 1 + 200);
    assert.equal(rows[1], `${new Date(t0 + 100_000 + (100 % 7)).toISOString()},${t0 + 100_000 + (100 % 7)},${exportNumber(HARD[0]!)}`);

    // --last is counted back from the newest sample.
    const last = capture();
    assert.equal(await runCli(COMMANDS, ['history', 'export', '--store', store, '--format', 'csv', '--last', '10s', '--series', 'process_cpu_usage_percent'], last.io), 0);
    assert.equal(last.out.join('').trim().split('\r\n').length, 1 + 10);
  });

  it('`history export --tier 1m` reads the 1 min tier on disk: a row a minute with the mean, minimum, maximum and count', async () => {
    const dir = newDir();
    const t0 = 1_800_000_000_000;
    const { log } = HistoryLog.open(dir, { retentionMs: Infinity }, () => t0);
    for (let i = 0; i < 30 * 60; i++) {
      log.append(t0 + i * 1000, [{ name: 'process_cpu_usage_percent', labels: {}, value: i % 60 }]);
    }
    log.dispose();
    const c = capture();
    assert.equal(await runCli(COMMANDS, ['history', 'export', '--store', dir, '--format', 'csv', '--tier', '1m', '--last', '10m'], c.io), 0, c.err.join(''));
    const rows = c.out.join('').trim().split('\r\n');
    const header = rows[0]!.split(',').map((h) => h.replace(/"/g, ''));
    assert.deepEqual(header.slice(2).sort(), ['avg_1m', 'count_1m', 'max_1m', 'min_1m'].map((x) => `process_cpu_usage_percent:${x}`));
    assert.equal(rows.length, 1 + 11, 'ten minutes back from the newest sample: 11 buckets');
    const cells = rows[1]!.split(',');
    const at = (x: string): number => Number(cells[header.indexOf(`process_cpu_usage_percent:${x}`)]);
    assert.deepEqual([at('avg_1m'), at('min_1m'), at('max_1m'), at('count_1m')], [29.5, 0, 59, 60]);
  });

  it('says what is wrong with its arguments, in one sentence, exit 2', async () => {
    const dir = newDir();
    const cases: [string[], RegExp][] = [
      [['history'], /history export --store DIR/],
      [['history', 'import'], /"import" is not a history command/],
      [['history', 'export'], /--store DIR is needed/],
      [['history', 'export', '--store', path.join(dir, 'nope')], /is not a folder/],
      [['history', 'export', '--store', dir, '--format', 'xml'], /--format must be openmetrics or csv, not "xml"/],
      [['history', 'export', '--store', dir, '--from', 'yesterday'], /--from must be a time/],
      [['history', 'export', '--store', dir, '--last', '1h', '--from', '0'], /--last or --from, not both/],
      [['history', 'export', '--store', dir, '--tier', '10s'], /--tier must be 1m/],
    ];
    for (const [argv, re] of cases) {
      const c = capture();
      assert.equal(await runCli(COMMANDS, argv, c.io), 2, argv.join(' '));
      assert.match(c.err.join(''), re, argv.join(' '));
    }
  });
});
