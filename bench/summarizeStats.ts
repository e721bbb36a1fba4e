/**
 * The analyzer's statistics (summarize: mean, min, max, median, p95, p99, stdev)
 * over 1,000 samples, against the seed's way — Python's `statistics` (mean, median,
 * stdev, quantiles) over the same samples — in interleaved rounds.
 */
import { summarize } from '../src/core/analyze/stats';
import { costOfBatch, medianOf, perCall, quantileOf } from './lib/measure';
import { SeedPython } from './lib/python';
import { BenchContext, BenchRow, skippedRow } from './lib/row';
import { randomWalk } from './lib/seeded';

const SAMPLES = 1000;

interface PyStats {
  readonly cpuS: number;
  readonly wallS: number;
  readonly n: number;
  readonly perCallWallS: number[];
  readonly ok?: boolean;
  readonly error?: string;
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const rounds = ctx.smoke ? 1 : 12;
  const warmup = ctx.smoke ? 0 : 1;
  const oursCalls = ctx.smoke ? 3 : 2000;
  const pyCalls = ctx.smoke ? 3 : 200;
  const values = randomWalk(SAMPLES, 7);
  const figure = `statistics over ${SAMPLES.toLocaleString('en')} samples vs Python statistics`;
  const budgetText = '≥ 10× faster';

  const py = SeedPython.start(ctx.repoRoot);
  if (typeof py === 'string') {
    return [skippedRow('stats.summarize', figure, budgetText, py)];
  }
  let sink = 0;
  const ours = () => {
    sink += summarize(values).p99;
  };
  const oursRounds: number[] = [];
  const pyRounds: number[] = [];
  const ratios: number[] = [];
  const oursSingle: number[] = [];
  const pySingle: number[] = [];
  const oursCpu: number[] = [];
  const pyCpu: number[] = [];
  try {
    await py.call({ cmd: 'load', values: Array.from(values) });
    for (let r = 0; r < warmup + rounds; r++) {
      const a = await costOfBatch(oursCalls, ours);
      const b = await py.call<PyStats>({ cmd: 'stats', n: pyCalls });
      if (b.ok === false) {
        return [skippedRow('stats.summarize', figure, budgetText, `seedMonitor.py failed: ${b.error ?? 'no reason given'}.`)];
      }
      const single = await perCall(Math.min(200, oursCalls), ours);
      if (r >= warmup) {
        const pyWallUs = (b.wallS * 1e6) / b.n;
        oursRounds.push(a.wallMsPerOp * 1000);
        pyRounds.push(pyWallUs);
        ratios.push(pyWallUs / (a.wallMsPerOp * 1000));
        oursCpu.push(a.cpuUsPerOp);
        pyCpu.push((b.cpuS * 1e6) / b.n);
        oursSingle.push(...single.wallMs.map((ms) => ms * 1000));
        pySingle.push(...b.perCallWallS.map((s) => s * 1e6));
      }
    }
  } finally {
    await py.stop();
  }
  const ratio = medianOf(ratios);
  return [
    {
      id: 'stats.summarize',
      figure,
      ours: { value: medianOf(oursRounds), unit: 'µs', what: 'per call', p99: quantileOf(oursSingle, 0.99) },
      comparison: { label: 'Python statistics', value: medianOf(pyRounds), unit: 'µs', p99: quantileOf(pySingle, 0.99) },
      ratio,
      ratioMeaning: 'theirs ÷ ours (wall)',
      budget: { text: budgetText, holds: ratio >= 10 },
      raw: { samples: SAMPLES, oursUsByRound: oursRounds, pythonUsByRound: pyRounds, oursCpuUsByRound: oursCpu, pythonCpuUsByRound: pyCpu, sink: Number.isFinite(sink) },
    },
  ];
}
