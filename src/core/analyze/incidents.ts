/**
 * Correlation across metrics: anomaly intervals of different series that overlap in
 * time (or start within `toleranceMs` of the incident's end) are one incident with
 * its members. A CPU burst that also shows in latency and messages/s is one thing
 * that happened, shown as one band with three members, not three bands.
 */
import { AnomalyInterval } from './anomaly';

export interface Incident {
  readonly startMs: number;
  readonly endMs: number;
  /** The member intervals, strongest first; one per series at most (its strongest). */
  readonly members: readonly AnomalyInterval[];
  /** Distinct series, in the members' order. */
  readonly series: readonly string[];
}

/** Groups intervals into incidents, in time order. O(n log n). */
export function groupIncidents(anomalies: readonly AnomalyInterval[], toleranceMs = 15_000): Incident[] {
  const sorted = [...anomalies].sort((a, b) => a.startMs - b.startMs);
  const out: Incident[] = [];
  let cur: { startMs: number; endMs: number; members: AnomalyInterval[] } | undefined;
  const close = (): void => {
    if (!cur) return;
    const best = new Map<string, AnomalyInterval>();
    for (const m of cur.members) {
      const b = best.get(m.series);
      if (!b || Math.abs(m.peakScore) > Math.abs(b.peakScore)) best.set(m.series, m);
    }
    const members = [...best.values()].sort((a, b) => Math.abs(b.peakScore) - Math.abs(a.peakScore));
    out.push({ startMs: cur.startMs, endMs: cur.endMs, members, series: members.map((m) => m.series) });
    cur = undefined;
  };
  for (const a of sorted) {
    if (cur && a.startMs <= cur.endMs + toleranceMs) {
      cur.members.push(a);
      if (a.endMs > cur.endMs) cur.endMs = a.endMs;
    } else {
      close();
      cur = { startMs: a.startMs, endMs: a.endMs, members: [a] };
    }
  }
  close();
  return out;
}
