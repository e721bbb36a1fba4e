/**
 * Runs one benchmark in this (fresh) process and writes its rows as JSON:
 *   node out/bench/runOne.js <id> --result <file> [--smoke]
 * scripts/bench.mjs starts one process per benchmark so that no benchmark's JIT
 * state, heap or loaded libraries colour another's figures, and so the spawn
 * counter can wrap child_process before anything else loads.
 *
 * Modules are imported lazily (inside the loader) for the same reason.
 */
import { writeFileSync } from 'node:fs';
import { contextFromProcess } from './lib/context';
import { BenchContext, BenchRow } from './lib/row';

type Runner = (ctx: BenchContext) => Promise<BenchRow[]>;

/** Benchmark ids, in table order, and how to load each. */
export const BENCHMARKS: Readonly<Record<string, () => Promise<Runner>>> = {
  collectionTick: async () => (await import('./collectionTick')).run,
  spawnsPerTick: async () => (await import('./spawnsPerTick')).run,
  extensionHostCpu: async () => (await import('./extensionHostCpu')).run,
  scrapeFloor: async () => (await import('./scrapeFloor')).run,
  summarizeStats: async () => (await import('./summarizeStats')).run,
  parseExposition: async () => (await import('./parseExposition')).run,
  bytesPerSample: async () => (await import('./bytesPerSample')).run,
  historyDisk: async () => (await import('./historyDisk')).run,
  alertEvaluation: async () => (await import('./alertEvaluation')).run,
  analyzerDay: async () => (await import('./analyzerDay')).run,
  memoryWatcher: async () => (await import('./memoryBudget')).runWatcher,
  memoryWatcherFastFill: async () => (await import('./memoryBudget')).runWatcherFastFill,
  memoryDay: async () => (await import('./memoryBudget')).runDay,
  activation: async () => (await import('./activation')).run,
  bundleSizes: async () => (await import('./bundleSizes')).run,
  logIngest: async () => (await import('./logIngest')).run,
  profileOverhead: async () => (await import('./profileOverhead')).run,
  spanIngest: async () => (await import('./spanIngest')).run,
};

/** What a benchmark process writes: its rows, or the sentence saying why it failed. */
export interface BenchOutput {
  readonly id: string;
  readonly rows: BenchRow[];
  readonly error?: string;
  readonly elapsedMs: number;
}

async function main(): Promise<void> {
  const id = process.argv[2] ?? '';
  const resultAt = process.argv.indexOf('--result');
  const resultFile = resultAt > 0 ? process.argv[resultAt + 1] : undefined;
  const load = BENCHMARKS[id];
  const t0 = performance.now();
  let out: BenchOutput;
  if (!load) {
    out = { id, rows: [], error: `Unknown benchmark "${id}"; use one of: ${Object.keys(BENCHMARKS).join(', ')}.`, elapsedMs: 0 };
  } else {
    try {
      const rows = await (await load())(contextFromProcess());
      out = { id, rows, elapsedMs: performance.now() - t0 };
    } catch (e) {
      out = { id, rows: [], error: e instanceof Error ? e.message : String(e), elapsedMs: performance.now() - t0 };
    }
  }
  const json = JSON.stringify(out, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
  if (resultFile) {
    writeFileSync(resultFile, json);
  } else {
    process.stdout.write(json + '\n');
  }
  // Benchmarks leave no timers or sockets behind on purpose; exit anyway so a
  // library's stray handle cannot hold the runner up.
  process.exit(0);
}

if (require.main === module) {
  void main();
}
