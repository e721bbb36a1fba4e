/**
 * npm run bench:anomaly [-- --files name,name] [-- --detectors id,id] [-- --json path]
 *
 * Streams every file of the Numenta Anomaly Benchmark (bench/nab) through each
 * detector, one value at a time and from the past only, and scores the results
 * with the project's own NAB scorer (bench/lib/nabScorer.ts): for each application
 * profile, the score at the threshold NAB's optimiser would pick and at the
 * threshold the product ships, the share of points flagged at that default, and
 * the cost per sample. Prints one Markdown table; the raw figures go to
 * bench/results/anomaly.json (or --json).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { NabFile, loadNab, nabRoot } from '../lib/nabData';
import { NAB_PROFILES, ProfileScore, ScoringPlan, optimizeThreshold, planScoring, scoreAt } from '../lib/nabScorer';
import { BENCH_DETECTORS, BenchDetector } from './detectors';

export interface DetectorResult {
  readonly id: string;
  readonly label: string;
  readonly defaultThreshold?: number;
  readonly optimized: readonly ProfileScore[];
  readonly atDefault?: readonly ProfileScore[];
  /** Share of all rows (probation included) with score ≥ the default threshold. */
  readonly flaggedShare?: number;
  readonly nsPerSample: number;
  readonly published?: readonly [number, number, number];
}

/** Runs one detector over the files; scores concatenated in file order. */
export function streamScores(files: readonly NabFile[], detector: BenchDetector): { scores: Float64Array; nsPerSample: number } {
  let rows = 0;
  for (const f of files) rows += f.times.length;
  const scores = new Float64Array(rows);
  let at = 0;
  let ns = 0n;
  for (const f of files) {
    const t0 = process.hrtime.bigint();
    if (detector.scoreFile) {
      scores.set(detector.scoreFile(f.values), at);
    } else {
      const d = detector.create();
      for (let i = 0; i < f.times.length; i++) scores[at + i] = d.update(f.times[i]!, f.values[i]!);
    }
    ns += process.hrtime.bigint() - t0;
    at += f.times.length;
  }
  return { scores, nsPerSample: Number(ns) / Math.max(1, rows) };
}

export function evaluate(plan: ScoringPlan, files: readonly NabFile[], detector: BenchDetector): DetectorResult {
  const { scores, nsPerSample } = streamScores(files, detector);
  const optimized = NAB_PROFILES.map((p) => optimizeThreshold(plan, scores, p));
  const t = detector.defaultThreshold;
  let flaggedShare: number | undefined;
  let atDefault: ProfileScore[] | undefined;
  if (t !== undefined) {
    atDefault = NAB_PROFILES.map((p) => scoreAt(plan, scores, p, t));
    let flagged = 0;
    for (let i = 0; i < scores.length; i++) if (scores[i]! >= t) flagged++;
    flaggedShare = flagged / Math.max(1, scores.length);
  }
  return { id: detector.id, label: detector.label, defaultThreshold: t, optimized, atDefault, flaggedShare, nsPerSample, published: detector.published };
}

function fmt(x: number | undefined, digits = 1): string {
  return x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits);
}

export function renderTable(results: readonly DetectorResult[]): string {
  const lines = [
    '| detector | standard | low FP | low FN | optimised threshold (standard) | default threshold | at default: standard | low FP | low FN | flagged at default | µs/sample | published (std / low FP / low FN) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const o = r.optimized.map((s) => fmt(s.normalized));
    const d = r.atDefault ? r.atDefault.map((s) => fmt(s.normalized)) : ['—', '—', '—'];
    const share = r.flaggedShare === undefined ? '—' : `${(r.flaggedShare * 100).toFixed(2)}%`;
    const pub = r.published ? r.published.map((x) => x.toFixed(1)).join(' / ') : '—';
    lines.push(`| ${r.label} | ${o.join(' | ')} | ${fmt(r.optimized[0]!.threshold, 3)} | ${fmt(r.defaultThreshold, 3)} | ${d.join(' | ')} | ${share} | ${fmt(r.nsPerSample / 1000, 2)} | ${pub} |`);
  }
  return lines.join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const only = opt('--files')?.split(',').filter(Boolean);
  const ids = opt('--detectors')?.split(',').filter(Boolean);
  const t0 = Date.now();
  const files = loadNab(only);
  const plan = planScoring(files);
  const chosen = BENCH_DETECTORS.filter((d) => !ids || ids.includes(d.id));
  const results = chosen.map((d) => {
    const r = evaluate(plan, files, d);
    process.stderr.write(`bench:anomaly: ${d.id} ${fmt(r.optimized[0]!.normalized)} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
    return r;
  });
  let rowCount = 0;
  for (const f of files) rowCount += f.times.length;
  const table = renderTable(results);
  process.stdout.write(`NAB: ${files.length} files, ${rowCount} points, ${plan.windowCount} windows (profiles: standard / reward low FP / reward low FN)\n\n${table}\n`);
  const out = opt('--json') ?? path.join(nabRoot(), '..', 'results', only ? 'anomaly-smoke.json' : 'anomaly.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ files: files.length, points: rowCount, windows: plan.windowCount, results }, null, 2));
}

if (require.main === module) main();
