/**
 * What `chatroom-monitor compare` and Compare Runs… need from a run: its figures
 * tick by tick (about one a second), so two runs can be compared with statistics
 * rather than two averages, and the summary a run is listed with. Each figure names
 * its series, its unit and which way is better.
 */
import * as l10n from '@vscode/l10n';
import { Direction } from '../analyze/compareRuns';
import { SeriesStore } from '../store/seriesStore';

/** A series a run keeps tick by tick. */
export interface RunSeriesDef {
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  readonly series: string;
  /** Stored unit → the figure's unit. */
  readonly scale: number;
}

export interface RunFigureDef extends RunSeriesDef {
  readonly direction: Direction;
  /** Wall-clock figures: the machine's other work moves them as much as the build does. */
  readonly followsMachineLoad?: boolean;
  /**
   * Smaller changes are never named, however significant: a sub-millisecond median moves with the
   * machine's load (0.42 → 0.52 ms between two runs of one build at load 14 and 10).
   */
  readonly minAbsoluteChange?: number;
}

/** The figures a run is summarised by (the list: CPU, memory, latency, errors, throughput). */
export const RUN_FIGURES: readonly RunFigureDef[] = [
  // 1 point of a core: what /proc resolves in a second (100 clock ticks a second). Eight runs of one build at 10 msg/s
  // on a quiet machine ranged 1.10–1.50 %, and their per-second samples called 6 of 28 pairs different.
  { id: 'cpuPercent', label: 'Server CPU', unit: '% of a core', direction: 'lowerIsBetter', series: 'process_cpu_usage_percent', scale: 1, minAbsoluteChange: 1 },
  { id: 'rssMiB', label: 'Server memory (RSS)', unit: 'MiB', direction: 'lowerIsBetter', series: 'process_resident_memory_bytes', scale: 1 / 1048576 },
  { id: 'messagesPerSecond', label: 'Messages', unit: 'msg/s', direction: 'higherIsBetter', series: 'chat_messages_per_second', scale: 1 },
  { id: 'latencyP50Ms', label: 'Message latency p50', unit: 'ms', direction: 'lowerIsBetter', series: 'chat_message_latency_seconds_p50', scale: 1000, minAbsoluteChange: 1, followsMachineLoad: true },
  { id: 'latencyP95Ms', label: 'Message latency p95', unit: 'ms', direction: 'lowerIsBetter', series: 'chat_message_latency_seconds_p95', scale: 1000, minAbsoluteChange: 1, followsMachineLoad: true },
  { id: 'latencyP99Ms', label: 'Message latency p99', unit: 'ms', direction: 'lowerIsBetter', series: 'chat_message_latency_seconds_p99', scale: 1000, minAbsoluteChange: 1, followsMachineLoad: true },
  { id: 'errorsPerSecond', label: 'Errors', unit: 'errors/s', direction: 'lowerIsBetter', series: 'chat_errors_per_second', scale: 1 },
  { id: 'activeUsers', label: 'Users', unit: 'users', direction: 'higherIsBetter', series: 'chat_active_users', scale: 1 },
];

/**
 * What the machine did during a run: kept beside the figures, never judged better or
 * worse — a comparison uses it to say when the machine, not the build, may explain a
 * change (8 same-build runs at load 8–30 differed in p95/p99 latency in 12 of 28 pairs).
 */
export const RUN_CONTEXT: readonly RunSeriesDef[] = [
  { id: 'machineCpuPercent', label: 'Machine CPU', unit: '% of all cores', series: 'system_cpu_usage_percent', scale: 1 },
];

/**
 * Ratios a run is summarised by, from the means of two figures (a ratio of means,
 * not a mean of per-second ratios: a second with one message would dominate those).
 */
export const RUN_RATIOS = [
  // CPU seconds per 1,000 messages: (cpu% / 100) core-seconds a second ÷ messages a second × 1,000.
  { id: 'cpuSecondsPer1kMessages', label: 'CPU per 1,000 messages', unit: 'core-s', of: 'cpuPercent', per: 'messagesPerSecond', scale: 1000 / 100 },
  { id: 'rssMiBPerUser', label: 'RSS per user', unit: 'MiB', of: 'rssMiB', per: 'activeUsers', scale: 1 },
] as const;

/**
 * A figure's name in the display language, for people (comparisons, the regression
 * warning). The defs keep the English, which stays the id-like text of the data.
 */
export function runFigureLabel(id: string, english: string): string {
  switch (id) {
    case 'cpuPercent':
      return l10n.t('Server CPU');
    case 'rssMiB':
      return l10n.t('Server memory (RSS)');
    case 'messagesPerSecond':
      return l10n.t('Messages');
    case 'latencyP50Ms':
      return l10n.t('Message latency p50');
    case 'latencyP95Ms':
      return l10n.t('Message latency p95');
    case 'latencyP99Ms':
      return l10n.t('Message latency p99');
    case 'errorsPerSecond':
      return l10n.t('Errors');
    case 'activeUsers':
      return l10n.t('Users');
    case 'machineCpuPercent':
      return l10n.t('Machine CPU');
    case 'cpuSecondsPer1kMessages':
      return l10n.t('CPU per 1,000 messages');
    case 'rssMiBPerUser':
      return l10n.t('RSS per user');
    default:
      return english;
  }
}

/** A figure's unit in the display language ("ms" and "MiB" are the same in every language). */
export function runFigureUnit(unit: string): string {
  switch (unit) {
    case '% of a core':
      return l10n.t('% of a core');
    case '% of all cores':
      return l10n.t('% of all cores');
    case 'msg/s':
      return l10n.t('msg/s');
    case 'errors/s':
      return l10n.t('errors/s');
    case 'users':
      return l10n.t('users');
    case 'core-s':
      return l10n.t('core-s');
    default:
      return unit;
  }
}

export interface RunSamples {
  /** Figure id → its values in the window, oldest first (ticks without a value left out). */
  readonly samples: Readonly<Record<string, readonly number[]>>;
  /** Figure id (and ratio id) → mean over the window. */
  readonly summary: Readonly<Record<string, number>>;
  readonly commit?: string;
  readonly dirty?: boolean;
}

/** The windows of every series named `name` (a labelled family: one per label set). */
export type SeriesWindows = (name: string) => Iterable<{ readonly times: ArrayLike<number>; readonly values: ArrayLike<number> }>;

/** A run's figures from any source of series (the in-memory store, the history on disk). */
export function runSamplesOf(read: SeriesWindows, vcs?: { commit: string; dirty: boolean }): RunSamples {
  const samples: Record<string, number[]> = {};
  const summary: Record<string, number> = {};
  for (const f of [...RUN_FIGURES, ...RUN_CONTEXT]) {
    // A labelled family (rooms, instances) is summed tick by tick into one figure.
    const perTick = new Map<number, number>();
    for (const w of read(f.series)) {
      for (let i = 0; i < w.times.length; i++) {
        const v = w.values[i]!;
        if (Number.isFinite(v)) {
          perTick.set(w.times[i]!, (perTick.get(w.times[i]!) ?? 0) + v * f.scale);
        }
      }
    }
    const values = [...perTick.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
    if (values.length > 0) {
      samples[f.id] = values;
      summary[f.id] = values.reduce((s, v) => s + v, 0) / values.length;
    }
  }
  for (const r of RUN_RATIOS) {
    const of = summary[r.of];
    const per = summary[r.per];
    if (of !== undefined && per !== undefined && per > 0) {
      summary[r.id] = (of / per) * r.scale;
    }
  }
  return { samples, summary, ...(vcs ? { commit: vcs.commit, dirty: vcs.dirty } : {}) };
}

export function runSamplesFrom(store: SeriesStore, fromMs: number, toMs: number, vcs?: { commit: string; dirty: boolean }): RunSamples {
  return runSamplesOf(function* (name) {
    for (const info of store.select(name)) {
      const w = store.window(info.key, fromMs, toMs);
      if (w) {
        yield w;
      }
    }
  }, vcs);
}
