/**
 * Activation, headless, in fresh processes: what activate() does before it returns —
 * load the core bundled as the extension is (esbuild, minified, CommonJS, node20),
 * construct the Monitor, configure it, start, build the first status bar model —
 * which is what VS Code reports as activation time. The first sample (locating the
 * process, sampling, scraping the real chat server) runs after activate() returned,
 * so it is its own row, with its own budget: numbers within one sample interval.
 * A stub `vscode` module is deliberately not used: it would time the stub.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { requireTarget } from './lib/context';
import { distributionOf } from './lib/measure';
import { BenchContext, BenchRow } from './lib/row';

const execFileAsync = promisify(execFile);

interface Probe {
  readonly loadMs: number;
  readonly constructMs: number;
  readonly configureMs: number;
  readonly statusMs: number;
  readonly activateMs: number;
  readonly firstSampleMs: number;
  readonly totalMs: number;
  readonly statusTextAtActivation: string;
  readonly statusText: string;
}

const ACTIVATE_BUDGET_MS = 50;
/** The default chatroomMonitor.sampleIntervalMs: the first numbers should not wait longer than the next would. */
const FIRST_SAMPLE_BUDGET_MS = 1000;

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const { port } = requireTarget(ctx);
  const outDir = path.join(ctx.repoRoot, 'out', 'bench', 'activation');
  mkdirSync(outDir, { recursive: true });
  const bundle = path.join(outDir, 'headless.bundle.js');
  await build({
    entryPoints: [path.join(ctx.repoRoot, 'bench', 'activation', 'headlessActivate.ts')],
    outfile: bundle,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    legalComments: 'none',
    logLevel: 'warning',
  });
  const runs = ctx.smoke ? 1 : 12;
  const warmup = ctx.smoke ? 0 : 2;
  const probe = path.join(ctx.repoRoot, 'out', 'bench', 'activationProbe.js');
  const probes: Probe[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const { stdout } = await execFileAsync(process.execPath, [probe, bundle, String(port), ctx.repoRoot], { timeout: 30_000 });
    const p = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Probe;
    if (i >= warmup) {
      probes.push(p);
    }
  }
  const activate = distributionOf(probes.map((p) => p.activateMs));
  const firstSample = distributionOf(probes.map((p) => p.firstSampleMs));
  const part = (k: 'loadMs' | 'constructMs' | 'configureMs' | 'statusMs') => distributionOf(probes.map((p) => p[k])).median;
  const shown = probes.at(-1)?.statusText ?? '';
  return [
    {
      id: 'activation.headless',
      figure: 'activation: load + construct + configure + status bar (what activate() does)',
      ours: { value: activate.median, unit: 'ms', p99: activate.p99 },
      budget: { text: `≤ ${ACTIVATE_BUDGET_MS} ms`, holds: activate.median <= ACTIVATE_BUDGET_MS },
      note: `medians: load ${part('loadMs').toFixed(1)}, construct ${part('constructMs').toFixed(1)}, configure+start ${part('configureMs').toFixed(1)}, status bar ${part('statusMs').toFixed(2)} ms; real VS Code activation time not read (code-server run not automated here).`,
      raw: { runs, probes, activate },
    },
    {
      id: 'activation.firstSample',
      figure: 'first sample after activation (locate by port, sample, scrape)',
      ours: { value: firstSample.median, unit: 'ms', p99: firstSample.p99, what: 'wall' },
      budget: { text: `≤ ${FIRST_SAMPLE_BUDGET_MS} ms (one interval)`, holds: firstSample.median <= FIRST_SAMPLE_BUDGET_MS },
      note: `runs after activate() returned, in the background; status bar then shows ${JSON.stringify(shown)}.`,
      raw: { firstSample },
    },
  ];
}
