/** Deterministic pseudo-random data, so every run measures the same inputs. */

import { mulberry32 } from '../../test/unit/analyze/synthetic';

/** The same generator the analyzer's tests use (mulberry32), so inputs are reproducible. */
export const seededRandom = mulberry32;

/** A bounded random walk around `start`, like a CPU % or RSS series. */
export function randomWalk(n: number, seed: number, start = 50, step = 2, min = 0, max = 100): Float64Array {
  const rnd = seededRandom(seed);
  const out = new Float64Array(n);
  let v = start;
  for (let i = 0; i < n; i++) {
    v = Math.min(max, Math.max(min, v + (rnd() - 0.5) * 2 * step));
    out[i] = v;
  }
  return out;
}
