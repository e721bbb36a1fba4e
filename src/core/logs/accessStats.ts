/** Access-log figures: request rate, status classes, latency percentiles (bounded memory). */
import { AccessFields } from './parseLine';

const LATENCY_RESERVOIR = 10_000;

export interface AccessSummary {
  readonly requests: number;
  readonly requestsPerSecond: number;
  /** Counts by class: `2xx`, `3xx`, `4xx`, `5xx` (and `1xx`). */
  readonly statusClasses: Record<string, number>;
  /** Present when at least one line carried a duration. */
  readonly latencyMs?: { readonly p50: number; readonly p95: number; readonly p99: number; readonly samples: number };
}

export class AccessStats {
  private requests = 0;
  private readonly classes: Record<string, number> = {};
  /** The latest LATENCY_RESERVOIR durations, a ring. */
  private readonly latencies = new Float64Array(LATENCY_RESERVOIR);
  private latencyCount = 0;
  private firstMs = Infinity;
  private lastMs = -Infinity;

  add(a: AccessFields, timeMs: number): void {
    this.requests++;
    const cls = `${Math.floor(a.status / 100)}xx`;
    this.classes[cls] = (this.classes[cls] ?? 0) + 1;
    if (a.durationMs !== undefined) {
      this.latencies[this.latencyCount % LATENCY_RESERVOIR] = a.durationMs;
      this.latencyCount++;
    }
    this.firstMs = Math.min(this.firstMs, timeMs);
    this.lastMs = Math.max(this.lastMs, timeMs);
  }

  summary(): AccessSummary | undefined {
    if (this.requests === 0) return undefined;
    const spanS = Math.max(1, (this.lastMs - this.firstMs) / 1000);
    const n = Math.min(this.latencyCount, LATENCY_RESERVOIR);
    let latencyMs: AccessSummary['latencyMs'];
    if (n > 0) {
      const sorted = this.latencies.slice(0, n).sort();
      const q = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]!;
      latencyMs = { p50: q(0.5), p95: q(0.95), p99: q(0.99), samples: this.latencyCount };
    }
    return { requests: this.requests, requestsPerSecond: this.requests / spanS, statusClasses: { ...this.classes }, ...(latencyMs ? { latencyMs } : {}) };
  }
}
