#!/usr/bin/env node
// `npm run compare:fp [-- --runs 8 --watch 40]`: how often `chatroom-monitor compare`
// names a change between two runs of the REAL example server that differ in nothing —
// its false-positive rate on real data — and whether it still names a real one.
//
//   for each run: fresh server → load.js --scenario steady → report --json --duration W
//   every pair of same-settings runs → compare --json → a change named (either way) is a false positive
//   control: one more run with --cpu-work-ms 2 → compare against the first run → a CPU regression must be named
//
// Same-settings pairs share a build, a load shape and a machine, but not a moment: the
// machine's other work moves between runs, as it does between a developer's two runs.
// A long soak, not a test level (about a minute a run): it prints a table and the rate
// with its 95% Wilson interval, writes test-results/compare-fp/summary.json, and exits
// 1 only when a run could not be made or the control was missed.
import fs from 'node:fs';
import path from 'node:path';
import { bundleCli } from './lib/cliBundle.mjs';
import { startChatServer } from './lib/chatServer.mjs';
import { examplesDir, repoRoot, resultsDir } from './lib/paths.mjs';
import { startProcess, stopAll, stopProcess, waitForLine } from './lib/processes.mjs';

const outDir = path.join(resultsDir, 'compare-fp');
const WARMUP_S = 5;

function parseArgs(argv) {
  const o = { runs: 8, watch: 40 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const n = Number(argv[i + 1]);
    if ((a === '--runs' || a === '--watch') && Number.isInteger(n) && n >= (a === '--runs' ? 2 : 20)) {
      o[a.slice(2)] = n;
      i++;
    } else {
      throw new Error(`"${a}" ${argv[i + 1] ?? ''}: the options are --runs N (at least 2) and --watch SECONDS (at least 20, what compare needs).`);
    }
  }
  return o;
}

/** One run: a fresh server under the steady load, watched by `report --json` for `watchS`. */
async function makeRun(cli, name, watchS, loadArgs) {
  const file = path.join(outDir, `${name}.json`);
  fs.rmSync(file, { force: true });
  const started = [];
  try {
    const server = await startChatServer({ logFile: path.join(outDir, `${name}.server.log`) });
    started.push(server.entry);
    const load = startProcess(
      `load:${name}`,
      process.execPath,
      [path.join(examplesDir, 'load', 'load.js'), '--url', server.wsUrl, '--scenario', 'steady', '--duration', `${WARMUP_S + watchS + 20}s`, ...loadArgs],
      { logFile: path.join(outDir, `${name}.load.log`) },
    );
    started.push(load);
    await waitForLine(load, /^load: [\w-]+, \d+ users/m, 15_000);
    await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
    const report = startProcess(`report:${name}`, process.execPath, [cli, 'report', '--port', String(server.port), '--duration', `${watchS}s`, '--json', '--out', file]);
    started.push(report);
    await report.exited;
    if (!fs.existsSync(file)) {
      throw new Error(`run ${name}: the report was not written; the CLI said:\n${report.output().slice(-800)}`);
    }
    return file;
  } finally {
    for (const p of started.reverse()) await stopProcess(p);
  }
}

/** `compare --json BASE HEAD`: the figures and their verdicts. */
async function compare(cli, base, head) {
  const p = startProcess('compare', process.execPath, [cli, 'compare', base, head, '--json']);
  await p.exited;
  const out = p.output();
  try {
    return JSON.parse(out.slice(out.indexOf('{')));
  } catch {
    throw new Error(`compare ${path.basename(base)} ${path.basename(head)} printed no JSON:\n${out.slice(-800)}`);
  }
}

/** The 95% Wilson score interval of k successes in n trials. */
function wilson(k, n) {
  const z = 1.96;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

const pct = (x) => `${(x * 100).toFixed(1)}%`;

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  fs.mkdirSync(outDir, { recursive: true });
  const cli = await bundleCli(outDir);
  const t0 = Date.now();
  const same = [];
  for (let i = 0; i < opts.runs; i++) {
    same.push(await makeRun(cli, `same-${i + 1}`, opts.watch, []));
    console.log(`run ${i + 1}/${opts.runs} made (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const control = await makeRun(cli, 'cpu-work-2ms', opts.watch, ['--cpu-work-ms', '2']);

  const pairs = [];
  const namedByFigure = new Map();
  for (let i = 0; i < same.length; i++) {
    for (let j = i + 1; j < same.length; j++) {
      const c = await compare(cli, same[i], same[j]);
      const named = c.figures.filter((f) => f.verdict === 'regression' || f.verdict === 'improvement');
      for (const f of named) namedByFigure.set(f.label, (namedByFigure.get(f.label) ?? 0) + 1);
      pairs.push({ base: i + 1, head: j + 1, named: named.map((f) => `${f.label} ${f.verdict} ${(f.relativeChange * 100).toFixed(0)}%`), caution: Boolean(c.caution) });
    }
  }
  const fp = pairs.filter((p) => p.named.length > 0).length;
  const [lo, hi] = wilson(fp, pairs.length);
  const c = await compare(cli, same[0], control);
  const cpu = c.figures.find((f) => f.id === 'cpuPercent');
  const controlNamed = cpu?.verdict === 'regression';

  console.log(`\n${pairs.length} pairs of same-settings runs (${opts.runs} runs × ${opts.watch} s of the steady load):`);
  for (const p of pairs) console.log(`  ${p.base} vs ${p.head}: ${p.named.length === 0 ? 'no significant change' : p.named.join(', ')}${p.caution ? ' (with the busy-machine caution)' : ''}`);
  console.log(`false positives: ${fp} of ${pairs.length} pairs = ${pct(fp / pairs.length)} (95% Wilson interval ${pct(lo)}–${pct(hi)})`);
  const cautioned = pairs.filter((p) => p.named.length > 0 && p.caution).length;
  console.log(`pairs with a change named that also carry the busy-machine caution: ${cautioned} of ${fp}`);
  if (namedByFigure.size > 0) console.log(`named per figure: ${[...namedByFigure].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`control (--cpu-work-ms 2 vs run 1): CPU ${cpu ? `${cpu.verdict}, ${(cpu.relativeChange * 100).toFixed(0)}%` : 'not compared'} — ${controlNamed ? 'named' : 'MISSED'}`);
  const summary = { runs: opts.runs, watchS: opts.watch, pairs, falsePositives: fp, cautioned, rate: fp / pairs.length, wilson95: [lo, hi], control: { cpu, named: controlNamed } };
  fs.writeFileSync(path.join(outDir, 'summary.json'), JSON.stringify(summary, null, 2));
  console.log(`total ${((Date.now() - t0) / 1000).toFixed(0)} s; reports in ${path.relative(repoRoot, outDir)}/`);
  return controlNamed ? 0 : 1;
}

const code = await main().catch((err) => {
  console.log(`compare:fp: ${err?.message ?? err}`);
  return 1;
});
await stopAll();
process.exit(code);
