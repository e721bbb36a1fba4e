/**
 * History on disk, measured on the example server's real series: the real Monitor
 * ticks at 1 Hz while a steady chat load runs, and every snapshot goes into a
 * HistoryLog as the extension writes it. Rows:
 * - bytes a sample on disk (Gorilla's paper: 1.37 B; the comparison is the 16 B of
 *   two float64s that the in-memory rings use);
 * - write cost a tick (CPU of append, blocks and fsyncs included, averaged);
 * - restore time of one hour (the recorded ticks replayed to 3,600, reopened and
 *   read back as the extension does after "Reload Window").
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Monitor } from '../src/core/monitor';
import { createMonitorDeps } from '../src/core/monitorDeps';
import { Sample } from '../src/core/model';
import { HistoryLog } from '../src/core/store/historyLog';
import { requireTarget } from './lib/context';
import { configForPort } from './lib/realMonitor';
import { BenchContext, BenchRow } from './lib/row';

interface LoadModule {
  runLoad(o: Record<string, unknown>): Promise<unknown>;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const target = requireTarget(ctx);
  const ticks = ctx.smoke ? 5 : 180;
  const intervalMs = ctx.smoke ? 50 : 1000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bench-history-'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runLoad } = require(path.join(ctx.repoRoot, 'examples', 'load', 'load.js')) as LoadModule;
  const controller = new AbortController();
  const load = runLoad({
    url: `ws://127.0.0.1:${target.port}`,
    scenario: 'steady',
    users: 10,
    rate: 2,
    duration: `${Math.ceil((ticks * intervalMs) / 1000) + 5}s`,
    signal: controller.signal,
  }).catch(() => undefined);
  const monitor = new Monitor(createMonitorDeps({ diskPath: dir }));
  monitor.configure(configForPort(target.port));
  const { log } = HistoryLog.open(dir, { retentionMs: Infinity });
  const recorded: { timeMs: number; samples: readonly Sample[] }[] = [];
  let samples = 0;
  let writeCpuMs = 0;
  try {
    // Warm-up: rates and quantiles need two scrapes.
    await monitor.tickNow();
    await new Promise((r) => setTimeout(r, intervalMs));
    const start = Date.now();
    for (let i = 0; i < ticks; i++) {
      await new Promise((r) => setTimeout(r, Math.max(0, start + i * intervalMs - Date.now())));
      await monitor.tickNow();
      const snap = monitor.latestSnapshot;
      if (!snap) {
        continue;
      }
      const c0 = cpuMs();
      log.append(snap.timeMs, snap.samples);
      writeCpuMs += cpuMs() - c0;
      samples += snap.samples.length;
      recorded.push({ timeMs: snap.timeMs, samples: snap.samples });
    }
    const c0 = cpuMs();
    log.dispose();
    writeCpuMs += cpuMs() - c0;
  } finally {
    controller.abort();
    await load;
    monitor.dispose();
  }
  const bytes = fs.readdirSync(dir).reduce((s, f) => s + fs.statSync(path.join(dir, f)).size, 0);
  const bytesPerSample = bytes / samples;
  const seriesCount = new Set(recorded.flatMap((r) => r.samples.map((s) => s.name + JSON.stringify(s.labels)))).size;

  // One hour: the recorded ticks again and again, each replay shifted in time.
  const hourDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bench-history-hour-'));
  const hourTicks = ctx.smoke ? 20 : 3600;
  const { log: hour } = HistoryLog.open(hourDir, { retentionMs: Infinity });
  const span = recorded.length > 1 ? recorded[recorded.length - 1]!.timeMs - recorded[0]!.timeMs + 1000 : 1000;
  for (let i = 0; i < hourTicks; i++) {
    const r = recorded[i % recorded.length]!;
    hour.append(r.timeMs + Math.floor(i / recorded.length) * span, r.samples);
  }
  hour.dispose();
  const restoreMs: number[] = [];
  let restored = 0;
  for (let k = 0; k < (ctx.smoke ? 1 : 7); k++) {
    const t0 = performance.now();
    const { log: again } = HistoryLog.open(hourDir, { retentionMs: Infinity });
    const all = again.read(-Infinity, Infinity);
    restoreMs.push(performance.now() - t0);
    restored = [...all.values()].reduce((s, h) => s + h.times.length, 0);
    again.dispose();
  }
  restoreMs.sort((a, b) => a - b);
  const restoreMedian = restoreMs[Math.floor(restoreMs.length / 2)]!;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(hourDir, { recursive: true, force: true });
  const perTickUs = (writeCpuMs * 1000) / Math.max(1, recorded.length);
  return [
    {
      id: 'history.bytesPerSampleOnDisk',
      figure: `history on disk: bytes a sample (example server, ${seriesCount} series, ${recorded.length} ticks at ${intervalMs} ms, steady load)`,
      ours: { value: bytesPerSample, unit: 'B', what: 'Gorilla blocks' },
      comparison: { label: 'two float64 (the rings)', value: 16, unit: 'B' },
      ratio: 16 / bytesPerSample,
      ratioMeaning: 'theirs ÷ ours',
      budget: { text: '≤ 2 B (Gorilla: 1.37)', holds: bytesPerSample <= 2 },
      note: 'segment files (records, checksums, series definitions included) ÷ samples written.',
      raw: { bytes, samples, seriesCount, ticks: recorded.length },
    },
    {
      id: 'history.writeCostPerTick',
      figure: 'history write cost a tick (CPU: append, blocks, fsyncs)',
      ours: { value: perTickUs, unit: 'µs', what: 'CPU/tick' },
      budget: { text: '≤ 100 µs', holds: perTickUs <= 100 },
      raw: { writeCpuMs, ticks: recorded.length },
    },
    {
      id: 'history.restoreHour',
      figure: `restore one hour from disk (${hourTicks} ticks, ${restored.toLocaleString('en')} samples: open + recover + read)`,
      ours: { value: restoreMedian, unit: 'ms', what: 'wall, median' },
      budget: { text: '≤ 100 ms', holds: restoreMedian <= 100 },
      raw: { restoreMs, restored },
    },
  ];
}
