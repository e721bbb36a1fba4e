import { ANOMALY_METRIC } from '../alerts/rule';
import { StreamingAnomalyDetector } from '../analyze/streaming';
import { Sample } from '../model';
import { SeriesStore } from '../store/seriesStore';
import { SourceOutput, TickSource } from './tickSource';

/** Series streamed at most (each detector holds ≈ 2.5 KB). */
const MAX_SERIES = 200;

/**
 * Publishes `anomaly_level{series}` for the anomaly alert rules (the contract in
 * alerts/rule.ts): every series of a watched metric goes through its own streaming
 * detector, fed each sample once, in order — on the first tick the history kept in
 * the store, then what each tick added. Like ForecastSource it reads the store as
 * of the previous tick.
 */
export class AnomalySource implements TickSource {
  readonly id = 'anomaly';
  private readonly detectors = new Map<string, { detector: StreamingAnomalyDetector; lastMs: number; level: number }>();

  constructor(
    private readonly store: () => SeriesStore,
    private readonly metrics: () => readonly string[],
  ) {}

  async collect(): Promise<SourceOutput> {
    return this.collectNow();
  }

  /** Reads the store only: always synchronous. */
  collectNow(): SourceOutput {
    const metrics = this.metrics();
    if (metrics.length === 0) {
      this.detectors.clear();
      return { samples: [], problems: [] };
    }
    const store = this.store();
    const samples: Sample[] = [];
    const seen = new Set<string>();
    for (const metric of metrics) {
      for (const info of store.select(metric)) {
        let d = this.detectors.get(info.key);
        if (!d) {
          if (this.detectors.size >= MAX_SERIES) continue;
          d = { detector: new StreamingAnomalyDetector(), lastMs: Number.NEGATIVE_INFINITY, level: 0 };
          this.detectors.set(info.key, d);
        }
        seen.add(info.key);
        const w = store.window(info.key, d.lastMs === Number.NEGATIVE_INFINITY ? Number.NEGATIVE_INFINITY : d.lastMs + 1e-3);
        if (w) {
          for (let i = 0; i < w.times.length; i++) {
            if (!(w.times[i]! > d.lastMs)) continue;
            d.level = d.detector.learn(w.times[i]!, w.values[i]!);
            d.lastMs = w.times[i]!;
          }
        }
        samples.push({ name: ANOMALY_METRIC, labels: { series: info.key }, value: d.level });
      }
    }
    for (const key of this.detectors.keys()) if (!seen.has(key)) this.detectors.delete(key);
    return { samples, problems: [] };
  }
}
