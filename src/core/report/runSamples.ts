/**
 * What `chatroom-monitor compare` needs from a report: the run's figures tick by
 * tick (about one a second), so two runs can be compared with statistics rather
 * than two averages. Each figure names its series, its unit and which way is better.
 */
import { Direction } from '../analyze/compareRuns';
import { SeriesStore } from '../store/seriesStore';

export interface RunFigureDef {
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  readonly direction: Direction;
  readonly series: string;
  /** Stored unit → the figure's unit. */
  readonly scale: number;
}

/** The figures a run is summarised by (the list: CPU, memory, latency, throughput). */
export const RUN_FIGURES: readonly RunFigureDef[] = [
  { id: 'cpuPercent', label: 'Server CPU', unit: '% of a core', direction: 'lowerIsBetter', series: 'process_cpu_usage_percent', scale: 1 },
  { id: 'rssMiB', label: 'Server memory (RSS)', unit: 'MiB', direction: 'lowerIsBetter', series: 'process_resident_memory_bytes', scale: 1 / 1048576 },
  { id: 'messagesPerSecond', label: 'Messages', unit: 'msg/s', direction: 'higherIsBetter', series: 'chat_messages_per_second', scale: 1 },
  { id: 'latencyP95Ms', label: 'Message latency p95', unit: 'ms', direction: 'lowerIsBetter', series: 'chat_message_latency_seconds_p95', scale: 1000 },
];

export interface RunSamples {
  /** Figure id → its values in the window, oldest first (ticks without a value left out). */
  readonly samples: Readonly<Record<string, readonly number[]>>;
  /** Figure id → mean over the window. */
  readonly summary: Readonly<Record<string, number>>;
  readonly commit?: string;
  readonly dirty?: boolean;
}

export function runSamplesFrom(store: SeriesStore, fromMs: number, toMs: number, vcs?: { commit: string; dirty: boolean }): RunSamples {
  const samples: Record<string, number[]> = {};
  const summary: Record<string, number> = {};
  for (const f of RUN_FIGURES) {
    // A labelled family (rooms, instances) is summed tick by tick into one figure.
    const perTick = new Map<number, number>();
    for (const info of store.select(f.series)) {
      const w = store.window(info.key, fromMs, toMs);
      if (!w) {
        continue;
      }
      for (let i = 0; i < w.times.length; i++) {
        perTick.set(w.times[i]!, (perTick.get(w.times[i]!) ?? 0) + w.values[i]! * f.scale);
      }
    }
    const values = [...perTick.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
    if (values.length > 0) {
      samples[f.id] = values;
      summary[f.id] = values.reduce((s, v) => s + v, 0) / values.length;
    }
  }
  return { samples, summary, ...(vcs ? { commit: vcs.commit, dirty: vcs.dirty } : {}) };
}
