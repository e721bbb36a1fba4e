/**
 * Hand measurement (not a timed test): parsing a ~1,000-line body, ours vs
 * parse-prometheus-text-format. Run after compiling the tests:
 *   node out/test/unit/scrape/measureParse.js
 */
import { StringInterner, parseExposition } from '../../../src/core/scrape/parser';
import { bigBody } from './exposition';
import { parsePrometheusTextFormat } from './referenceParser';

function medianMs(fn: () => void, warmup: number, runs: number): number {
  for (let i = 0; i < warmup; i++) {
    fn();
  }
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function main(): Promise<void> {
  const body = await bigBody(1000, false);
  const lineCount = body.split('\n').length;
  let sink = 0;
  const ours = medianMs(() => (sink += parseExposition(body).sampleCount), 200, 500);
  const interner = new StringInterner();
  const oursShared = medianMs(() => (sink += parseExposition(body, { interner }).sampleCount), 200, 500);
  const theirs = medianMs(() => (sink += parsePrometheusTextFormat(body).length), 200, 500);
  const om = await bigBody(1000, true);
  const oursOm = medianMs(() => (sink += parseExposition(om).sampleCount), 200, 500);
  console.log(`body: ${lineCount} lines, ${body.length} chars (sink ${sink > 0 ? 'ok' : 'empty'})`);
  console.log(`parseExposition (0.0.4):        median ${ours.toFixed(3)} ms`);
  console.log(`  with the scraper's interner:   median ${oursShared.toFixed(3)} ms`);
  console.log(`parseExposition (OpenMetrics):  median ${oursOm.toFixed(3)} ms`);
  console.log(`parse-prometheus-text-format:   median ${theirs.toFixed(3)} ms`);
  console.log(`ratio theirs/ours: ${(theirs / ours).toFixed(2)}x`);
}

void main();
