/**
 * Parsing a ~1,000-line exposition body written by prom-client (the example chat
 * server's library) against parse-prometheus-text-format, in interleaved rounds.
 */
import { parseExposition } from '../src/core/scrape/parser';
import { bigBody } from '../test/unit/scrape/exposition';
import { parsePrometheusTextFormat } from '../test/unit/scrape/referenceParser';
import { costOfBatch, medianOf, perCall, quantileOf } from './lib/measure';
import { BenchContext, BenchRow } from './lib/row';

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const rounds = ctx.smoke ? 1 : 15;
  const warmup = ctx.smoke ? 0 : 2;
  const calls = ctx.smoke ? 2 : 100;
  const body = await bigBody(ctx.smoke ? 50 : 1000, false);
  const lines = body.split('\n').filter((l) => l !== '').length;
  let sink = 0;
  const ours = () => {
    sink += parseExposition(body).sampleCount;
  };
  const theirs = () => {
    sink += parsePrometheusTextFormat(body).length;
  };
  const oursMs: number[] = [];
  const theirsMs: number[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const oursSingle: number[] = [];
  for (let r = 0; r < warmup + rounds; r++) {
    const a = await costOfBatch(calls, ours);
    const b = await costOfBatch(calls, theirs);
    const single = await perCall(Math.min(50, calls), ours);
    if (r >= warmup) {
      oursMs.push(a.wallMsPerOp);
      theirsMs.push(b.wallMsPerOp);
      ratios.push(b.wallMsPerOp / a.wallMsPerOp);
      cpuRatios.push(b.cpuUsPerOp / a.cpuUsPerOp);
      oursSingle.push(...single.wallMs);
    }
  }
  const ratio = medianOf(ratios);
  return [
    {
      id: 'parse.exposition',
      figure: `exposition parsing, ${lines.toLocaleString('en')} lines vs parse-prometheus-text-format`,
      ours: { value: medianOf(oursMs), unit: 'ms', what: 'per body', p99: quantileOf(oursSingle, 0.99) },
      comparison: { label: 'parse-prometheus-text-format', value: medianOf(theirsMs), unit: 'ms' },
      ratio,
      ratioMeaning: 'theirs ÷ ours (wall)',
      budget: { text: '≥ 1×', holds: ratio >= 1 },
      raw: { lines, chars: body.length, oursMsByRound: oursMs, theirsMsByRound: theirsMs, cpuRatio: medianOf(cpuRatios), sink: sink > 0 },
    },
  ];
}
