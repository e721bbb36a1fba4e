import assert from 'node:assert/strict';
import { buildColumns, chartOfName, describeSeries, roleOfName } from '../../src/core/chartData';
import { Metric, Sample, seriesKey } from '../../src/core/model';
import { SeriesStore } from '../../src/core/store/seriesStore';
import { ColumnsDto, SeriesDto } from '../../src/shared/protocol';

const T0 = Date.UTC(2026, 0, 1);

function s(name: string, value: number, labels: Record<string, string> = {}): Sample {
  return { name, labels, value };
}

describe('chartData.buildColumns', () => {
  it('aligns series on tick times, x in seconds, null where a series missed a tick', () => {
    const store = new SeriesStore(100);
    store.append(T0, [s('a', 1), s('b', 10)]);
    store.append(T0 + 1000, [s('a', 2)]);
    store.append(T0 + 2000, [s('a', 3), s('b', 30)]);
    const c = buildColumns(store, ['a', 'b'], { fromMs: T0 });
    assert.deepEqual(c.x, [T0 / 1000, T0 / 1000 + 1, T0 / 1000 + 2]);
    assert.deepEqual(c.keys, ['a', 'b']);
    assert.deepEqual(c.y, [
      [1, 2, 3],
      [10, null, 30],
    ]);
  });

  it('turns NaN samples into null gaps and unknown keys into all-null columns', () => {
    const store = new SeriesStore(100);
    store.append(T0, [s('a', 1)]);
    store.append(T0 + 1000, [s('a', Number.NaN)]);
    const c = buildColumns(store, ['a', 'missing'], { fromMs: Number.NEGATIVE_INFINITY });
    assert.deepEqual(c.y, [
      [1, null],
      [null, null],
    ]);
  });

  it('respects fromMs and toMs', () => {
    const store = new SeriesStore(100);
    for (let i = 0; i < 10; i++) {
      store.append(T0 + i * 1000, [s('a', i)]);
    }
    const c = buildColumns(store, ['a'], { fromMs: T0 + 3000, toMs: T0 + 5000 });
    assert.deepEqual(c.y[0], [3, 4, 5]);
  });

  it('with afterMs returns only the points after it (the next append)', () => {
    const store = new SeriesStore(100);
    for (let i = 0; i < 5; i++) {
      store.append(T0 + i * 1000, [s('a', i)]);
    }
    const c = buildColumns(store, ['a'], { fromMs: Number.NEGATIVE_INFINITY, afterMs: T0 + 2000 });
    assert.deepEqual(c.y[0], [3, 4]);
    const none = buildColumns(store, ['a'], { fromMs: Number.NEGATIVE_INFINITY, afterMs: T0 + 4000 });
    assert.deepEqual(none.x, []);
  });

  it('inserts a null row where ticks are further apart than maxGapMs, also across appends', () => {
    const store = new SeriesStore(100);
    store.append(T0, [s('a', 1)]);
    store.append(T0 + 1000, [s('a', 2)]);
    store.append(T0 + 10_000, [s('a', 3)]);
    const c = buildColumns(store, ['a'], { fromMs: T0, maxGapMs: 2500 });
    assert.deepEqual(c.y[0], [1, 2, null, 3]);
    assert.equal(c.x[2], (T0 + 5500) / 1000);
    const next = buildColumns(store, ['a'], { fromMs: T0, afterMs: T0 + 1000, maxGapMs: 2500 });
    assert.deepEqual(next.y[0], [null, 3]);
    const noGap = buildColumns(store, ['a'], { fromMs: T0 });
    assert.deepEqual(noGap.y[0], [1, 2, 3]);
  });

  it('data at a coarser cadence of its own (a Prometheus back-fill every 6 s, then live ticks every second) is a line, not a dot a step; a pause is still a gap', () => {
    const store = new SeriesStore(100);
    const times = [0, 6000, 12_000, 18_000, 22_000, 23_000, 24_000, 60_000, 61_000];
    times.forEach((t, i) => store.append(T0 + t, [s('a', i)]));
    const c = buildColumns(store, ['a'], { fromMs: T0, maxGapMs: 2500 });
    // The first step has no step before it to compare with: a gap, as across an append. Then
    // 6 s steps after a 6 s step, 4 s after 6 s and 1 s after 4 s are lines; 36 s after 1 s is a gap.
    assert.deepEqual(c.y[0], [0, null, 1, 2, 3, 4, 5, 6, null, 7, 8]);
  });

  // Its cost is the bench's business (rows dashboard.*): a timed assertion here failed on a loaded machine.
  it('builds 1 h × 12 series at 1 Hz, every point in place', () => {
    const store = new SeriesStore(3600);
    const keys: string[] = [];
    for (let k = 0; k < 12; k++) {
      keys.push(`m${k}`);
    }
    for (let i = 0; i < 3600; i++) {
      store.append(T0 + i * 1000, keys.map((k, j) => s(k, i + j)));
    }
    const c = buildColumns(store, keys, { fromMs: Number.NEGATIVE_INFINITY, maxGapMs: 2500 });
    assert.equal(c.x.length, 3600);
    assert.equal(c.y[0]![0], 0);
    assert.equal(c.y[11]![3599], 3599 + 11);
  });

  it('is assignable to the protocol ColumnsDto', () => {
    const dto: ColumnsDto = buildColumns(new SeriesStore(1), [], { fromMs: 0 });
    assert.deepEqual(dto, { x: [], keys: [], y: [] });
  });
});

describe('chartData.describeSeries', () => {
  it('gives each series the unit the one inference rule finds (src/core/units.ts)', () => {
    const [s] = describeSeries([{ key: 'http_request_duration_seconds_max', name: 'http_request_duration_seconds_max', labels: {} }]);
    assert.equal(s!.unit, 'seconds');
  });


  it('puts own series on fixed charts and everything scraped in the picker', () => {
    assert.equal(chartOfName(Metric.processCpuPercent), 'processCpu');
    assert.equal(chartOfName(Metric.systemNetTxBytesPerSecond), 'systemNetwork');
    assert.equal(chartOfName(Metric.targetUp), 'none');
    assert.equal(chartOfName(Metric.processOpenFds), 'none');
    assert.equal(chartOfName('chat_rooms'), 'server');
  });

  it('gives tile roles by name, one series per role, preferring the unlabelled one', () => {
    assert.equal(roleOfName('chat_active_users'), 'activeUsers');
    assert.equal(roleOfName('chat_messages_per_second'), 'messagesPerSecond');
    assert.equal(roleOfName('chat_response_time_seconds_p95'), 'latencyP95');
    assert.equal(roleOfName('chat_errors_per_second'), 'errorRate');
    assert.equal(roleOfName('chat_rooms'), undefined);
    const out = describeSeries([
      { key: seriesKey('chat_active_users', { room: 'a' }), name: 'chat_active_users', labels: { room: 'a' } },
      { key: 'chat_active_users', name: 'chat_active_users', labels: {} },
      { key: Metric.processCpuPercent, name: Metric.processCpuPercent, labels: {} },
    ]);
    const roles = out.filter((x) => x.role).map((x) => [x.key, x.role]);
    assert.deepEqual(roles, [
      [Metric.processCpuPercent, 'cpu'],
      ['chat_active_users', 'activeUsers'],
    ]);
    const dto: SeriesDto[] = out;
    assert.equal(dto.length, 3);
  });

  it('caps the catalogue, keeping fixed-chart and tile series first', () => {
    const infos = [];
    for (let i = 0; i < 50; i++) {
      infos.push({ key: `x{i="${i}"}`, name: 'x', labels: { i: String(i) } });
    }
    infos.push({ key: Metric.processRssBytes, name: Metric.processRssBytes, labels: {} });
    const out = describeSeries(infos, 10);
    assert.equal(out.length, 10);
    assert.equal(out[0]!.key, Metric.processRssBytes);
  });
});
