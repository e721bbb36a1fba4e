import assert from 'node:assert/strict';
import { buildColumns, ChartColumns, ColumnsOptions, GAP_CADENCE_FACTOR } from '../../src/core/chartData';
import { Sample } from '../../src/core/model';
import { SeriesStore } from '../../src/core/store/seriesStore';
import { mulberry32 } from '../../src/core/analyze/random';

const T0 = Date.UTC(2026, 0, 1);

/** buildColumns as it was before issue 20's dash change (copies of each window via store.window): the oracle. */
function buildColumnsBefore(store: SeriesStore, keys: readonly string[], opts: ColumnsOptions): ChartColumns {
  const toMs = opts.toMs ?? store.latestTimeMs;
  const afterMs = opts.afterMs;
  const fromMs = afterMs !== undefined ? Math.max(opts.fromMs, afterMs) : opts.fromMs;
  const windows = keys.map((k) => store.window(k, fromMs, toMs));
  const times = windows.map((w) => w?.times ?? new Float64Array(0));
  const values = windows.map((w) => w?.values ?? new Float64Array(0));
  const pos: number[] = times.map((t) => (afterMs !== undefined && t.length > 0 && t[0] === afterMs ? 1 : 0));
  const x: number[] = [];
  const y: (number | null)[][] = keys.map(() => []);
  const maxGapMs = opts.maxGapMs;
  let prevMs = afterMs !== undefined && Number.isFinite(afterMs) ? afterMs : undefined;
  let prevStepMs: number | undefined;
  for (;;) {
    let t = Number.POSITIVE_INFINITY;
    for (let i = 0; i < times.length; i++) {
      const p = pos[i]!;
      const arr = times[i]!;
      if (p < arr.length && arr[p]! < t) t = arr[p]!;
    }
    if (t === Number.POSITIVE_INFINITY) break;
    if (maxGapMs !== undefined && prevMs !== undefined) {
      const stepMs = t - prevMs;
      if (stepMs > maxGapMs && !(prevStepMs !== undefined && stepMs <= GAP_CADENCE_FACTOR * prevStepMs)) {
        x.push((prevMs + t) / 2 / 1000);
        for (const col of y) col.push(null);
      }
      prevStepMs = stepMs;
    }
    x.push(t / 1000);
    for (let i = 0; i < times.length; i++) {
      const p = pos[i]!;
      const arr = times[i]!;
      if (p < arr.length && arr[p] === t) {
        const v = values[i]![p]!;
        y[i]!.push(Number.isFinite(v) ? v : null);
        pos[i] = p + 1;
      } else {
        y[i]!.push(null);
      }
    }
    prevMs = t;
  }
  return { x, keys: [...keys], y };
}

describe('chartData.buildColumns reads the rings in place (issue 20)', () => {
  it('gives exactly the columns of the copying version: seeded walks with wrapped rings, gaps, NaN, missing series, appends since', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = mulberry32(seed);
      const store = new SeriesStore(5 + Math.floor(r() * 40));
      const names = ['a', 'b', 'c', 'd'];
      let t = T0;
      let lastSent = Number.NEGATIVE_INFINITY;
      for (let tick = 0; tick < 150; tick++) {
        t += r() < 0.05 ? 1000 * (3 + Math.floor(r() * 20)) : 1000;
        const samples: Sample[] = [];
        for (const name of names) {
          if (r() < 0.8) samples.push({ name, labels: {}, value: r() < 0.05 ? Number.NaN : Math.round(r() * 1000) / 10 });
        }
        store.append(t, samples);
        const keys = names.filter(() => r() < 0.8).concat(r() < 0.2 ? ['missing'] : []);
        const opts: ColumnsOptions[] = [
          { fromMs: Number.NEGATIVE_INFINITY, afterMs: lastSent, maxGapMs: 2500 },
          { fromMs: t - 1000 * Math.floor(r() * 60), maxGapMs: 2500 },
          { fromMs: Number.NEGATIVE_INFINITY },
          { fromMs: t - 30_000, toMs: t - 1000 * Math.floor(r() * 10) },
        ];
        for (const o of opts) {
          assert.deepEqual(buildColumns(store, keys, o), buildColumnsBefore(store, keys, o), `seed ${seed} tick ${tick} ${JSON.stringify(o)}`);
        }
        if (r() < 0.9) lastSent = t;
      }
    }
  });

  it('does not copy the windows out of the store (store.window is not used)', () => {
    const store = new SeriesStore(8);
    for (let i = 0; i < 12; i++) store.append(T0 + i * 1000, [{ name: 'a', labels: {}, value: i }]);
    store.window = () => {
      throw new Error('copied');
    };
    const c = buildColumns(store, ['a'], { fromMs: Number.NEGATIVE_INFINITY, afterMs: T0 + 9000 });
    assert.deepEqual(c.y, [[10, 11]]);
  });
});
