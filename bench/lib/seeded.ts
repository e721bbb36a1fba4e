/** Deterministic pseudo-random data, so every run measures the same inputs. */

/** mulberry32: a small, fast, well-mixed 32-bit generator; returns [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
