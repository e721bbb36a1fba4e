/**
 * Reads the Numenta Anomaly Benchmark kept in bench/nab (data, labels and profiles,
 * MIT licence in bench/nab/LICENSE.txt): 58 files, timestamps as UTC milliseconds.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { LabelledFile } from './nabScorer';

export interface NabFile extends LabelledFile {
  readonly times: Float64Array;
  readonly values: Float64Array;
}

/** bench/nab, from out/bench/lib (compiled) or bench/lib (ts-node). */
export function nabRoot(): string {
  for (const up of [['..', 'nab'], ['..', '..', '..', 'bench', 'nab']]) {
    const p = path.resolve(__dirname, ...up);
    try {
      readdirSync(path.join(p, 'data'));
      return p;
    } catch {
      // try the next
    }
  }
  throw new Error('bench/nab/data not found');
}

/** "2014-04-10 07:15:00" or with ".000000": UTC milliseconds. */
export function parseNabTime(text: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`not a NAB timestamp: ${text}`);
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, ms);
}

export function parseNabCsv(text: string): { times: Float64Array; values: Float64Array } {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const rows = lines.slice(1);
  const times = new Float64Array(rows.length);
  const values = new Float64Array(rows.length);
  rows.forEach((line, i) => {
    const comma = line.indexOf(',');
    times[i] = parseNabTime(line.slice(0, comma));
    values[i] = Number(line.slice(comma + 1));
  });
  return { times, values };
}

/** All files named in the labels (58), or those whose name contains one of `only`. */
export function loadNab(only?: readonly string[], root = nabRoot()): NabFile[] {
  const labels = JSON.parse(readFileSync(path.join(root, 'labels', 'combined_windows.json'), 'utf8')) as Record<string, [string, string][]>;
  const out: NabFile[] = [];
  for (const name of Object.keys(labels).sort()) {
    if (only && only.length > 0 && !only.some((o) => name.includes(o))) continue;
    const { times, values } = parseNabCsv(readFileSync(path.join(root, 'data', name), 'utf8'));
    const windows = labels[name]!.map(([s, e]) => [parseNabTime(s), parseNabTime(e)] as const);
    out.push({ name, times, values, windows });
  }
  return out;
}
