/**
 * A SeriesStore filled as the collector would fill it: one tick a second, every
 * series of a tick at the tick's time. Each scenario overrides the healthy steady
 * server below, with seeded noise.
 */
import { Labels, Sample } from '../../../src/core/model';
import { SeriesStore } from '../../../src/core/store/seriesStore';
import { T0, gaussian, mulberry32 } from './synthetic';

export const MB = 1024 * 1024;

/** Per-tick value of a series: i = tick index, m = minutes since start, g = N(0,1). */
export type Gen = (i: number, m: number, g: () => number) => number | undefined;

export const HEALTHY: Record<string, Gen> = {
  process_cpu_usage_percent: (_i, _m, g) => Math.max(0, 10 + 2 * g()),
  process_resident_memory_bytes: (_i, _m, g) => 120 * MB + 0.5 * MB * g(),
  process_open_fds: () => 40,
  process_max_fds: () => 1024,
  process_threads: () => 11,
  process_uptime_seconds: (i) => 3600 + i,
  target_up: () => 1,
  target_restarts_total: () => 0,
  system_cpu_usage_percent: (_i, _m, g) => Math.max(0, 20 + 5 * g()),
  system_memory_usage_percent: (_i, _m, g) => 50 + 0.5 * g(),
  system_memory_total_bytes: () => 16 * 1024 * MB,
  system_disk_usage_percent: () => 60,
  chat_active_users: (_i, _m, g) => Math.round(50 + g()),
  chat_messages_per_second: (_i, _m, g) => Math.max(0, 20 + 3 * g()),
  chat_message_latency_seconds_p95: (_i, _m, g) => 0.01 + 0.001 * g(),
  nodejs_eventloop_lag_p99_seconds: (_i, _m, g) => 0.011 + 0.0005 * g(),
  nodejs_gc_duration_seconds_per_second: (_i, _m, g) => Math.max(0, 2 + 0.3 * g()),
  nodejs_gc_duration_seconds_mean: (_i, _m, g) => 0.002 + 0.0002 * g(),
};

export interface ScenarioOptions {
  readonly seconds?: number;
  readonly seed?: number;
  /** Series with labels: key = name, value = label sets each with its generator. */
  readonly labelled?: readonly { name: string; labels: Labels; gen: Gen }[];
}

export function scenario(overrides: Record<string, Gen | null>, options: ScenarioOptions = {}): SeriesStore {
  const seconds = options.seconds ?? 1800;
  const g = gaussian(mulberry32(options.seed ?? 1));
  const gens = { ...HEALTHY, ...overrides };
  const store = new SeriesStore(seconds + 10);
  for (let i = 0; i < seconds; i++) {
    const m = i / 60;
    const samples: Sample[] = [];
    for (const [name, gen] of Object.entries(gens)) {
      if (!gen) continue;
      const v = gen(i, m, g);
      if (v !== undefined) samples.push({ name, labels: {}, value: v });
    }
    for (const l of options.labelled ?? []) {
      const v = l.gen(i, m, g);
      if (v !== undefined) samples.push({ name: l.name, labels: l.labels, value: v });
    }
    store.append(T0 + i * 1000, samples);
  }
  return store;
}

export function windowOf(store: SeriesStore): { fromMs: number; toMs: number; nowMs: number } {
  return { fromMs: store.earliestTimeMs(), toMs: store.latestTimeMs, nowMs: store.latestTimeMs + 500 };
}
