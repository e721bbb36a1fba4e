/**
 * The scrape against its physical limit (issue 20), interleaved in the same process:
 *  - scrape.bareGet: the monitor's scrape of the example server (keep-alive GET,
 *    parse, Prometheus' verdict, rates and quantiles, store write) against a bare
 *    node:http keep-alive GET of the same /metrics body that only collects the bytes;
 *    the difference is what reading the body costs on top of the HTTP floor;
 *  - tick.floorWithScrape: the monitor's whole tick (the real Monitor: /proc samplers,
 *    scrape, store, live analysis) against the floor of the same work — the /proc
 *    files through kept-open descriptors (collectionTick.ts) plus the bare GET.
 */
import * as http from 'node:http';
import { Monitor } from '../src/core/monitor';
import { createMonitorDeps } from '../src/core/monitorDeps';
import { systemClock } from '../src/core/clock';
import { SCRAPE_ACCEPT, Scraper } from '../src/core/scrape/scraper';
import { SeriesStore } from '../src/core/store/seriesStore';
import { keptOpenFloorTick } from './collectionTick';
import { requireTarget } from './lib/context';
import { BatchCost, costOfBatch, medianOf } from './lib/measure';
import { configForPort } from './lib/realMonitor';
import { BenchContext, BenchRow } from './lib/row';

const TICK_BUDGET_RATIO = 1.5;

/** GET /metrics on one kept-alive connection, the body gathered into one Buffer and nothing else. */
export function bareGet(port: number): { get: () => Promise<number>; close: () => void } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const options: http.RequestOptions = { host: '127.0.0.1', port, path: '/metrics', agent, headers: { Accept: SCRAPE_ACCEPT } };
  const get = () =>
    new Promise<number>((resolve, reject) => {
      http
        .get(options, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks).length));
          res.on('error', reject);
        })
        .on('error', reject);
    });
  return { get, close: () => agent.destroy() };
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const { pid, port } = requireTarget(ctx);
  const rounds = ctx.smoke ? 1 : 15;
  const warmup = ctx.smoke ? 0 : 2;
  const perRound = ctx.smoke ? 3 : 40;

  const bare = bareGet(port);
  const scraper = new Scraper({ url: `http://127.0.0.1:${port}/metrics`, timeoutMs: 800, clock: systemClock });
  const store = new SeriesStore(3600);
  let seriesCount = 0;
  const scrape = async () => {
    const r = await scraper.scrape();
    if (!r.ok) throw new Error(`the scrape failed: ${r.problems.map((p) => p.message).join(' ')}`);
    seriesCount = r.seriesCount;
    store.append(systemClock.now(), r.samples);
  };
  const procFloor = keptOpenFloorTick(pid, ctx.repoRoot);
  const floorTick = async () => {
    procFloor();
    await bare.get();
  };
  const monitor = new Monitor(createMonitorDeps({ diskPath: ctx.repoRoot }));
  monitor.configure(configForPort(port));
  const tick = () => monitor.tickNow();

  const bytes = await bare.get();
  const scrapeRounds: BatchCost[] = [];
  const bareRounds: BatchCost[] = [];
  const tickRounds: BatchCost[] = [];
  const floorRounds: BatchCost[] = [];
  try {
    // The monitor's first ticks load modules and fill the first analysis: activation, not steady state.
    for (let i = 0; i < (ctx.smoke ? 1 : 30); i++) await tick();
    for (let r = 0; r < warmup + rounds; r++) {
      const a = await costOfBatch(perRound, scrape);
      const b = await costOfBatch(perRound, bare.get);
      const c = await costOfBatch(perRound, tick);
      const d = await costOfBatch(perRound, floorTick);
      if (r >= warmup) {
        scrapeRounds.push(a);
        bareRounds.push(b);
        tickRounds.push(c);
        floorRounds.push(d);
      }
    }
  } finally {
    bare.close();
    scraper.dispose();
    monitor.dispose();
  }
  const cpu = (xs: readonly BatchCost[]) => medianOf(xs.map((x) => x.cpuUsPerOp));
  const pairRatio = (a: readonly BatchCost[], b: readonly BatchCost[]) => medianOf(a.map((x, i) => x.cpuUsPerOp / b[i]!.cpuUsPerOp));
  const scrapeRatio = pairRatio(scrapeRounds, bareRounds);
  const tickRatio = pairRatio(tickRounds, floorRounds);
  return [
    {
      id: 'scrape.bareGet',
      figure: `scrape of the example server (${seriesCount} samples, ${bytes.toLocaleString('en')} B) vs a bare keep-alive GET of the same body`,
      ours: { value: cpu(scrapeRounds), unit: 'µs', what: 'CPU/scrape incl. store write' },
      comparison: { label: 'bare node:http GET', value: cpu(bareRounds), unit: 'µs', what: 'CPU/GET' },
      ratio: scrapeRatio,
      ratioMeaning: 'ours ÷ bare GET (CPU)',
      budget: { text: `≤ ${TICK_BUDGET_RATIO}× bare GET`, holds: scrapeRatio <= TICK_BUDGET_RATIO },
      note: 'both on one kept-alive loopback connection; the difference is parsing, the verdict, rates and quantiles and the store write.',
      raw: { scrapeCpuUsByRound: scrapeRounds.map((x) => x.cpuUsPerOp), bareCpuUsByRound: bareRounds.map((x) => x.cpuUsPerOp), bytes, perRound },
    },
    {
      id: 'tick.floorWithScrape',
      figure: 'the whole monitor tick (/proc + scrape + store + live analysis) vs its floor (kept-open /proc reads + bare GET)',
      ours: { value: cpu(tickRounds), unit: 'µs', what: 'CPU/tick' },
      comparison: { label: 'floor', value: cpu(floorRounds), unit: 'µs', what: 'CPU/tick' },
      ratio: tickRatio,
      ratioMeaning: 'ours ÷ floor (CPU)',
      budget: { text: `≤ ${TICK_BUDGET_RATIO}× floor`, holds: tickRatio <= TICK_BUDGET_RATIO },
      note: 'ticks back to back, interleaved with the floor in rounds; the live analysis re-analyses every 15th tick, so its cost is spread as in the extension host.',
      raw: { tickCpuUsByRound: tickRounds.map((x) => x.cpuUsPerOp), floorCpuUsByRound: floorRounds.map((x) => x.cpuUsPerOp), perRound },
    },
  ];
}
