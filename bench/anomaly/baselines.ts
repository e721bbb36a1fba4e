/**
 * NAB's reference detectors, re-implemented from their published description to
 * prove the scorer: the null detector (a constant score, NAB's 0) and the Windowed
 * Gaussian (NAB's 39.6 standard): the score of a value is 1 − Q(|x − μ|/σ), with μ
 * and σ (population) of the previous values in a window of 6,400 that grows one
 * value at a time and, once full, slides by steps of 100.
 */
import { normalTail } from '../../src/core/analyze/tail';

export interface ScoreStream {
  /** The score of this value from the past only; then the value is learnt. */
  update(timeMs: number, value: number): number;
}

export class NullDetector implements ScoreStream {
  update(): number {
    return 0.5;
  }
}

export class WindowedGaussian implements ScoreStream {
  private readonly window: number[] = [];
  private step: number[] = [];
  private mean = 0;
  private m2 = 0;
  private std = 1;
  constructor(
    private readonly size = 6400,
    private readonly stepSize = 100,
  ) {}

  update(_timeMs: number, x: number): number {
    const score = this.window.length > 0 ? 1 - normalTail(Math.abs(x - this.mean) / this.std) : 0;
    if (this.window.length < this.size) {
      this.window.push(x);
      this.refit();
    } else {
      this.step.push(x);
      if (this.step.length === this.stepSize) {
        this.window.splice(0, this.stepSize);
        this.window.push(...this.step);
        this.step = [];
        this.refit();
      }
    }
    return score;
  }

  /** While the window grows by one value: Welford's update; after each slide: two passes. */
  private refit(): void {
    const n = this.window.length;
    if (n < this.size && n > 1) {
      const x = this.window[n - 1]!;
      const d = x - this.mean;
      this.mean += d / n;
      this.m2 += d * (x - this.mean);
      this.std = Math.sqrt(this.m2 / n) || 1e-6;
      return;
    }
    let sum = 0;
    for (const v of this.window) sum += v;
    this.mean = sum / n;
    let ss = 0;
    for (const v of this.window) ss += (v - this.mean) * (v - this.mean);
    this.m2 = ss;
    this.std = Math.sqrt(ss / n) || 1e-6;
  }
}
