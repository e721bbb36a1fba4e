/**
 * Activation, headless: in fresh processes, the time to load the core bundled as
 * the extension is (esbuild, minified, CommonJS, node20), construct the Monitor,
 * configure it, start, and finish the first tick against the real chat server.
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
  readonly firstTickMs: number;
  readonly totalMs: number;
  readonly statusText: string;
}

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
  const total = distributionOf(probes.map((p) => p.totalMs));
  const part = (k: keyof Omit<Probe, 'statusText'>) => distributionOf(probes.map((p) => p[k])).median;
  return [
    {
      id: 'activation.headless',
      figure: 'activation: load + construct + configure + first tick (headless)',
      ours: { value: total.median, unit: 'ms', p99: total.p99 },
      budget: { text: '≤ 50 ms', holds: total.median <= 50 },
      note: `medians: load ${part('loadMs').toFixed(1)}, construct ${part('constructMs').toFixed(1)}, configure+start ${part('configureMs').toFixed(1)}, first tick ${part('firstTickMs').toFixed(1)} ms; real VS Code activation time not read (code-server run not automated here).`,
      raw: { runs, probes, total },
    },
  ];
}
