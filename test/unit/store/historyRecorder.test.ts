import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Sample, Snapshot, seriesMeta } from '../../../src/core/model';
import { valueKind } from '../../../src/core/seriesKind';
import { HistoryRecorder } from '../../../src/core/store/historyRecorder';
import { SeriesStore } from '../../../src/core/store/seriesStore';

function snapshot(tick: number, timeMs: number, samples: Sample[]): Snapshot {
  return { timeMs, tick, target: { kind: 'unconfigured', message: '' }, samples, problems: [], durationMs: 0, skippedTicks: 0 } as unknown as Snapshot;
}

describe('HistoryRecorder (reload keeps the history)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-recorder-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a new session restores the last window into an empty store, tick by tick, values and labels exact', () => {
    const t0 = 1_800_000_000_000;
    const live = new SeriesStore(7200);
    const first = HistoryRecorder.open(dir, { blockTicks: 60 }, () => t0 + 3600_000);
    for (let i = 0; i < 3600; i++) {
      const samples: Sample[] = [
        { name: 'process_cpu_usage_percent', labels: {}, value: 10 + Math.sin(i / 30) * 5 },
        { name: 'chat_room_active_users', labels: { room: 'general' }, value: i % 17 },
      ];
      if (i % 10 === 0) {
        samples.push({ name: 'rare_gauge', labels: {}, value: i });
      }
      live.append(t0 + i * 1000, samples);
      first.record(snapshot(i + 1, t0 + i * 1000, samples));
    }
    // "Reload Window": the extension host disposes the recorder (the head block is written)…
    first.dispose();
    // …and the next session opens it and restores the last 30 minutes before its first tick.
    const second = HistoryRecorder.open(dir, {}, () => t0 + 3600_000);
    const restored = new SeriesStore(7200);
    const ticks = second.restoreInto(restored, t0 + 1800_000, t0 + 3600_000);
    assert.equal(ticks, 1800);
    for (const key of ['process_cpu_usage_percent', 'chat_room_active_users{room="general"}', 'rare_gauge']) {
      const want = live.window(key, t0 + 1800_000)!;
      const got = restored.window(key, t0 + 1800_000)!;
      assert.deepEqual([...got.times], [...want.times], key);
      assert.deepEqual([...got.values], [...want.values], key);
    }
    assert.deepEqual(restored.info('chat_room_active_users{room="general"}')!.labels, { room: 'general' });
    second.dispose();
  });

  it('the tiers survive the reload: a day of 1 min buckets from disk and the 10 s buckets of the raw hour, as the live store had them', () => {
    const t0 = 1_800_000_000_000;
    const day = 24 * 3600;
    const live = new SeriesStore(3600);
    const first = HistoryRecorder.open(dir, { blockTicks: 60, retentionMs: Infinity }, () => t0 + day * 1000);
    for (let i = 0; i < day; i += 1) {
      const samples: Sample[] = [
        { name: 'process_cpu_usage_percent', labels: {}, value: 10 + Math.sin(i / 300) * 5 + (i % 7) },
        { name: 'chat_room_active_users', labels: { room: 'general' }, value: i % 17 },
      ];
      live.append(t0 + i * 1000, samples);
      first.record(snapshot(i + 1, t0 + i * 1000, samples));
    }
    first.dispose();
    const now = t0 + (day - 1) * 1000;
    const second = HistoryRecorder.open(dir, {}, () => now);
    const restored = new SeriesStore(3600);
    second.restoreInto(restored, now - 3600_000, now);
    assert.equal(restored.length('process_cpu_usage_percent'), 3600, 'the raw hour');
    for (const key of ['process_cpu_usage_percent', 'chat_room_active_users{room="general"}']) {
      // The 1 min tier from disk, the whole day; the 10 s tier rebuilt from the raw hour read back.
      const want = live.tierWindow(key, 60_000, -Infinity)!;
      const got = restored.tierWindow(key, 60_000, -Infinity)!;
      assert.ok(got.times.length >= 24 * 60 - 1, `${key}: ${got.times.length} buckets`);
      assert.deepEqual(got, want, `${key} @1 min`);
      const fromRaw = Math.ceil((now - 3600_000) / 10_000) * 10_000;
      assert.deepEqual(restored.tierWindow(key, 10_000, fromRaw), live.tierWindow(key, 10_000, fromRaw), `${key} @10 s`);
    }
    second.dispose();
  });

  it('the declared TYPE and UNIT survive the reload: a gauge named *_total stays a gauge, and a TYPE changed mid-history is restored as the last one', () => {
    const t0 = 1_800_000_000_000;
    // Small segments: the series is defined again in each, and the change falls in a later one.
    const first = HistoryRecorder.open(dir, { blockTicks: 10, segmentBytes: 400 }, () => t0 + 600_000);
    const gauge = seriesMeta('gauge', '');
    const counter = seriesMeta('counter', 'bytes');
    for (let i = 0; i < 600; i++) {
      first.record(
        snapshot(i + 1, t0 + i * 1000, [
          { name: 'nodejs_active_resources_total', labels: {}, value: i % 5, meta: gauge },
          { name: 'retyped_total', labels: {}, value: i, meta: i < 300 ? gauge : counter },
          { name: 'process_cpu_usage_percent', labels: {}, value: 3 },
        ]),
      );
    }
    first.dispose();
    assert.ok(fs.readdirSync(dir).filter((f) => f.endsWith('.crmh')).length > 3, 'several segments');
    const second = HistoryRecorder.open(dir, {}, () => t0 + 600_000);
    const restored = new SeriesStore(7200);
    second.restoreInto(restored, t0, t0 + 600_000);
    const active = restored.info('nodejs_active_resources_total')!;
    assert.deepEqual(active.meta, { type: 'gauge', unit: '' });
    assert.equal(valueKind(active.name, active.meta), 'gauge', 'a gauge named *_total is not read as a counter after a reload');
    assert.deepEqual(restored.info('retyped_total')!.meta, { type: 'counter', unit: 'bytes' });
    assert.equal(restored.info('process_cpu_usage_percent')!.meta, undefined, 'no TYPE declared, none invented');
    second.dispose();
  });

  it('nothing on disk: nothing restored, and recording starts a history', () => {
    const r = HistoryRecorder.open(dir);
    const store = new SeriesStore(10);
    assert.equal(r.restoreInto(store, 0, Date.now()), 0);
    assert.equal(store.seriesCount, 0);
    r.record(snapshot(1, Date.now(), [{ name: 'x', labels: {}, value: 1 }]));
    r.dispose();
    assert.ok(fs.readdirSync(dir).some((f) => f.endsWith('.crmh')));
  });
});
