/**
 * Synthetic series whose truth is known: a seeded PRNG (mulberry32) so every run
 * sees the same noise, Gaussian noise by Box–Muller, and injected anomalies that
 * record where they are.
 */

import { mulberry32 } from '../../../src/core/analyze/random';

export { mulberry32 };

/** Standard normal variates from a uniform source (Box–Muller). */
export function gaussian(uniform: () => number): () => number {
  return () => {
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

export interface Truth {
  readonly kind: 'spike' | 'dip' | 'shift' | 'drift';
  /** Sample indices, inclusive. */
  readonly start: number;
  readonly end: number;
}

export interface Synthetic {
  readonly times: Float64Array;
  readonly values: Float64Array;
  readonly truth: Truth[];
}

export const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);

/** `n` samples at `intervalMs` from T0 of level + sigma·N(0,1). */
export function noise(n: number, level: number, sigma: number, seed: number, intervalMs = 1000): Synthetic {
  const g = gaussian(mulberry32(seed));
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    times[i] = T0 + i * intervalMs;
    values[i] = level + sigma * g();
  }
  return { times, values, truth: [] };
}

/** A line value = a + b·minutes since T0, plus optional noise. */
export function line(n: number, intercept: number, slopePerMinute: number, intervalMs = 1000, sigma = 0, seed = 1): Synthetic {
  const g = gaussian(mulberry32(seed));
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    times[i] = T0 + i * intervalMs;
    values[i] = intercept + slopePerMinute * ((i * intervalMs) / 60_000) + (sigma > 0 ? sigma * g() : 0);
  }
  return { times, values, truth: [] };
}

/** Adds `amount` to one sample (a spike, or a dip when negative). */
export function injectSpike(s: Synthetic, at: number, amount: number): void {
  s.values[at] = s.values[at]! + amount;
  s.truth.push({ kind: amount >= 0 ? 'spike' : 'dip', start: at, end: at });
}

/** Adds `amount` to `length` samples from `at` on, then the level returns. */
export function injectShift(s: Synthetic, at: number, length: number, amount: number): void {
  for (let i = at; i < at + length && i < s.values.length; i++) s.values[i] = s.values[i]! + amount;
  s.truth.push({ kind: 'shift', start: at, end: Math.min(s.values.length, at + length) - 1 });
}

/** A ramp of `perSample` growth over `length` samples that then drops back. */
export function injectDrift(s: Synthetic, at: number, length: number, perSample: number): void {
  for (let i = at; i < at + length && i < s.values.length; i++) s.values[i] = s.values[i]! + perSample * (i - at + 1);
  s.truth.push({ kind: 'drift', start: at, end: Math.min(s.values.length, at + length) - 1 });
}

/**
 * Interval-level matching. A detected interval is a true positive when it overlaps
 * a truth interval widened by `graceSamples` after its end (a detector sees the
 * return to normal as part of the event). Recall counts truth intervals matched by
 * at least one detection.
 */
export function matchIntervals(
  detected: readonly { startMs: number; endMs: number }[],
  truth: readonly Truth[],
  times: Float64Array,
  graceSamples: number,
): { precision: number; recall: number; falsePositives: number; missed: Truth[] } {
  const dt = times.length > 1 ? times[1]! - times[0]! : 1000;
  const spans = truth.map((t) => ({ t, from: times[t.start]!, to: times[t.end]! + graceSamples * dt }));
  let tp = 0;
  const hit = new Set<Truth>();
  for (const d of detected) {
    const m = spans.filter((s) => d.startMs <= s.to && d.endMs >= s.from);
    if (m.length > 0) {
      tp++;
      for (const s of m) hit.add(s.t);
    }
  }
  return {
    precision: detected.length === 0 ? 1 : tp / detected.length,
    recall: truth.length === 0 ? 1 : hit.size / truth.length,
    falsePositives: detected.length - tp,
    missed: truth.filter((t) => !hit.has(t)),
  };
}
