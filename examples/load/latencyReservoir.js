'use strict';
// Latency percentiles with bounded memory: a uniform reservoir sample of the
// observations (Vitter's algorithm R), so a 30-minute flood keeps at most
// `capacity` numbers while p95 stays an unbiased estimate.

class LatencyReservoir {
  /** @param {number} capacity most observations kept */
  constructor(capacity = 50_000) {
    this.capacity = capacity;
    this.samples = new Float64Array(capacity);
    this.reset();
  }

  reset() {
    this.count = 0;
    this.kept = 0;
    this.maxMs = 0;
    this.sorted = true;
  }

  /** @param {number} ms one end-to-end latency */
  add(ms) {
    this.count++;
    if (ms > this.maxMs) this.maxMs = ms;
    if (this.kept < this.capacity) {
      this.samples[this.kept++] = ms;
    } else {
      const j = Math.floor(Math.random() * this.count);
      if (j < this.capacity) this.samples[j] = ms;
    }
    this.sorted = false;
  }

  /**
   * Nearest-rank percentile of what was kept.
   * @param {number} q 0..100
   * @returns {number | null} null when nothing was observed
   */
  percentile(q) {
    if (this.kept === 0) return null;
    const view = this.samples.subarray(0, this.kept);
    if (!this.sorted) { view.sort(); this.sorted = true; }
    const rank = Math.min(this.kept, Math.max(1, Math.ceil((q / 100) * this.kept)));
    return view[rank - 1];
  }
}

module.exports = { LatencyReservoir };
