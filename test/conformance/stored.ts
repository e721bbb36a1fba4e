/**
 * The samples Prometheus would store from a parsed body: every sample line as
 * written (`_created` ones included — Prometheus 2.42 stores them as series),
 * first one per series and timestamp (the TSDB refuses a second as a duplicate).
 */
import { ParsedExposition } from '../../src/core/scrape/parser';

export interface StoredSample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
  /** null: stamped with the scrape's time. */
  readonly timestampMs: number | null;
}

export function storedSamples(parsed: ParsedExposition): StoredSample[] {
  const out: StoredSample[] = [];
  const seen = new Set<string>();
  const add = (name: string, labels: Record<string, string>, value: number, ts: number | undefined) => {
    const k = JSON.stringify([name, Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)), ts ?? null]);
    if (!seen.has(k)) {
      seen.add(k);
      out.push({ name, labels: { ...labels }, value, timestampMs: ts ?? null });
    }
  };
  for (const f of parsed.families) {
    for (const s of f.samples) {
      add(s.name, s.labels, s.value, s.timestampMs);
    }
    for (const c of f.created) {
      add(c.name, c.labels, c.createdSeconds, c.timestampMs);
    }
  }
  return out;
}
