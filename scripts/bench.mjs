// npm run bench [-- --smoke] [-- --only id,id] [-- --no-compile]
//
// Builds what the benchmarks need (tsc → out/, esbuild → dist/), starts the example
// chat server, runs every benchmark in its own fresh node process (no JIT state,
// heap or loaded library shared between them; the spawn counter must wrap
// child_process before anything loads), runs the Chromium dashboard benchmark, and
// prints ONE table: figure, ours, the comparison measured in the same run, the
// ratio, the budget, and whether it holds. The same, with every raw figure, goes to
// bench/results/latest.json (smoke runs: bench/results/smoke.json).
//
// --smoke (or BENCH_SMOKE=1): each benchmark once with tiny sizes, so the suite
// cannot rot; its figures mean nothing. --no-compile: skip tsc (out/ is fresh, as
// in the unit test that runs the smoke mode).
//
// Exit code: 0 whatever the budgets (this is a report); 1 only when a benchmark
// crashed or the build failed, because then the table is incomplete.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startChatServer } from './lib/chatServer.mjs';
import { repoRoot } from './lib/paths.mjs';
import { startProcess, stopAll } from './lib/processes.mjs';

const execFileAsync = promisify(execFile);
const args = process.argv.slice(2);
const envSmoke = process.env.BENCH_SMOKE;
const smoke = args.includes('--smoke') || (envSmoke !== undefined && envSmoke !== '' && envSmoke !== '0');
const noCompile = args.includes('--no-compile');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? '').split(',').filter(Boolean)) : undefined;

/** Table order. `node` flags per benchmark, `timeoutMs` where the default limit is too short; `dashboard` is bench/dashboard.mjs, the rest out/bench/runOne.js ids. */
const BENCHMARKS = [
  { id: 'collectionTick' },
  { id: 'spawnsPerTick' },
  // 60 s loops, and one that runs 180 s before its 60 s (extensionHost.cpuWarm): past the default limit.
  { id: 'extensionHostCpu', timeoutMs: 480_000 },
  { id: 'scrapeFloor' },
  { id: 'summarizeStats' },
  { id: 'parseExposition' },
  { id: 'bytesPerSample', node: ['--expose-gc'] },
  { id: 'historyDisk' },
  { id: 'alertEvaluation' },
  { id: 'analyzerDay' },
  // At 1 Hz on the monitor's own timer until the budget has been full a minute (~5 min; 12 min at most), over the default limit.
  { id: 'memoryWatcher', timeoutMs: 900_000 },
  // 100 ticks at 1 Hz (~100 s), over the default limit.
  { id: 'memoryWatcherFastFill', timeoutMs: 600_000 },
  { id: 'memoryDay', node: ['--expose-gc'] },
  { id: 'dashboard' },
  { id: 'activation' },
  { id: 'bundleSizes' },
  { id: 'logIngest', node: ['--expose-gc'] },
  { id: 'profileOverhead' },
  { id: 'spanIngest', node: ['--expose-gc'] },
];
const BENCH_TIMEOUT_MS = 240_000;

function log(line) {
  process.stderr.write(`${line}\n`);
}

async function build() {
  if (!noCompile) {
    log('bench: compiling (tsc -p tsconfig.test.json)…');
    try {
      await execFileAsync(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.test.json'], {
        cwd: repoRoot,
        maxBuffer: 16 << 20,
      });
    } catch (e) {
      // tsc still emits with type errors; the benchmarks' own files must be clean.
      const lines = String(e.stdout ?? '').split('\n').filter((l) => /error TS/.test(l));
      const ours = lines.filter((l) => /^(bench|scripts|test\/unit\/bench)/.test(l));
      if (ours.length > 0) {
        throw new Error(`the benchmarks do not compile:\n${ours.join('\n')}`);
      }
      log(`bench: tsc reported ${lines.length} type error(s) outside bench/ (first: ${lines[0] ?? 'none'}); continuing with what it emitted.`);
    }
  }
  if (!fs.existsSync(path.join(repoRoot, 'out', 'bench', 'runOne.js'))) {
    throw new Error('out/bench/runOne.js is missing: run `npx tsc -p tsconfig.test.json` and look at its errors.');
  }
  log('bench: bundling (node esbuild.mjs)…');
  await execFileAsync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot });
}

/** Runs one benchmark process; resolves to its output (rows or an error sentence). */
async function runBenchmark(b, target, tmpDir) {
  const result = path.join(tmpDir, `${b.id}.json`);
  const env = { ...process.env, BENCH_TARGET_PID: String(target.pid), BENCH_TARGET_PORT: String(target.port), BENCH_SMOKE: smoke ? '1' : '0' };
  const cmd =
    b.id === 'dashboard'
      ? [path.join(repoRoot, 'bench', 'dashboard.mjs'), '--json', result, ...(smoke ? ['--smoke'] : [])]
      : [...(b.node ?? []), path.join(repoRoot, 'out', 'bench', 'runOne.js'), b.id, '--result', result, ...(smoke ? ['--smoke'] : [])];
  const t0 = performance.now();
  const entry = startProcess(`bench:${b.id}`, process.execPath, cmd, { cwd: repoRoot, env });
  const timer = setTimeout(() => {
    try {
      process.kill(-entry.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, b.timeoutMs ?? BENCH_TIMEOUT_MS);
  const code = await entry.exited;
  clearTimeout(timer);
  const elapsedMs = performance.now() - t0;
  if (!fs.existsSync(result)) {
    const tail = entry.output().trim().split('\n').slice(-5).join(' | ');
    return { id: b.id, rows: [], error: `exited with code ${code} without results${tail ? `: ${tail}` : ''}`, elapsedMs };
  }
  const out = JSON.parse(fs.readFileSync(result, 'utf8'));
  return b.id === 'dashboard' ? { id: b.id, rows: dashboardRows(out), elapsedMs } : { ...out, elapsedMs };
}

/** Rows from bench/dashboard.mjs' figures (script time is Chromium's own, CDP ScriptDuration). */
function dashboardRows(d) {
  return [
    {
      id: 'dashboard.firstRender',
      figure: `dashboard first render (${d.charted} series × 1 h = ${d.points.toLocaleString('en')} points)`,
      ours: { value: d.firstRenderScriptMs, unit: 'ms', what: 'script' },
      budget: { text: `≤ ${d.budgets.firstRenderMs} ms`, holds: d.firstRenderScriptMs <= d.budgets.firstRenderMs },
      note: `Chromium script time (CDP); in-page wall ${d.firstRenderWallMs.toFixed(1)} ms.`,
      raw: d,
    },
    {
      id: 'dashboard.update',
      figure: `dashboard update (1 tick, ${d.charted} series, 1 h window)`,
      ours: { value: d.update1h.medianMs, unit: 'ms', what: 'script', p99: d.update1h.p99Ms },
      budget: { text: `≤ ${d.budgets.updateMs} ms`, holds: d.update1h.medianMs <= d.budgets.updateMs },
      note: `n=${d.update1h.n}; ticks that redrew: median ${d.update1h.redrawMedianMs?.toFixed(2) ?? '—'} ms; 5 m window (every tick redraws): median ${d.update5m.medianMs.toFixed(2)} ms, p99 ${d.update5m.p99Ms.toFixed(2)} ms.`,
    },
    {
      id: 'dashboard.update1hTiered',
      figure: `dashboard update at 1 h as the host sends it (${d.update1hTiered.stepMs / 1000} s tier, ${d.update1hTiered.plotWidthPx} px plot)`,
      ours: { value: d.update1hTiered.p95Ms, unit: 'ms', what: 'script p95', p99: d.update1hTiered.p99Ms },
      budget: { text: `≤ ${d.budgets.updateMs} ms, ≤ 1 point a pixel`, holds: d.update1hTiered.p95Ms <= d.budgets.updateMs && d.update1hTiered.pointsDrawn <= d.update1hTiered.plotWidthPx },
      note: `n=${d.update1hTiered.n}; ${d.update1hTiered.pointsDrawn} points drawn a chart; ${d.update1hTiered.windowsSent} tier windows re-sent; max ${d.update1hTiered.maxMs.toFixed(2)} ms; ticks that redrew: median ${d.update1hTiered.redrawMedianMs?.toFixed(2) ?? '—'} ms.`,
    },
    {
      id: 'dashboard.updateAllTiered',
      figure: `dashboard update at All over ${d.updateAllTiered.hours} h as the host sends it (store tiers, ${d.updateAllTiered.stepMs / 60_000} min buckets, ${d.updateAllTiered.plotWidthPx} px plot)`,
      ours: { value: d.updateAllTiered.p95Ms, unit: 'ms', what: 'script p95', p99: d.updateAllTiered.p99Ms },
      budget: { text: `≤ ${d.budgets.updateMs} ms, ≤ 1 point a pixel`, holds: d.updateAllTiered.p95Ms <= d.budgets.updateMs && d.updateAllTiered.pointsDrawn <= d.updateAllTiered.plotWidthPx },
      note: `n=${d.updateAllTiered.n}; ${d.updateAllTiered.pointsDrawn} points drawn a chart, from ${(d.updateAllTiered.reachMs / 3600_000).toFixed(1)} h back; ${d.updateAllTiered.windowsSent} windows re-sent; max ${d.updateAllTiered.maxMs.toFixed(2)} ms; the host's StoreChartFeed.window: median ${d.updateAllTiered.hostWindowMedianMs.toFixed(2)} ms.`,
    },
  ];
}

// ---- the table -----------------------------------------------------------------

function num(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) {
    return '—';
  }
  const a = Math.abs(v);
  if (a === 0) {
    return '0';
  }
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toPrecision(2);
}

function figureText(f) {
  if (!f) {
    return '—';
  }
  const unit = f.unit.startsWith('/') || f.unit === '%' ? f.unit : ` ${f.unit}`;
  const p99 = f.p99 !== undefined && f.p99 !== null ? ` (p99 ${num(f.p99)})` : '';
  const label = f.label ? `${f.label}: ` : '';
  return `${label}${num(f.value)}${unit}${p99}${f.what ? ` ${f.what}` : ''}`;
}

function holdsText(row) {
  return row.budget.holds === true ? 'yes' : row.budget.holds === false ? 'NO' : 'skipped';
}

function renderTable(rows) {
  const header = ['figure', 'ours', 'comparison', 'ratio', 'budget', 'holds'];
  const body = rows.map((r) => [
    r.figure,
    figureText(r.ours),
    figureText(r.comparison),
    r.ratio !== undefined && r.ratio !== null ? `${num(r.ratio)}×` : '—',
    r.budget.text,
    holdsText(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((c) => c[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function renderNotes(rows) {
  const out = [];
  for (const r of rows) {
    const parts = [];
    if (r.ratioMeaning && r.ratio !== undefined && r.ratio !== null) {
      parts.push(`ratio = ${r.ratioMeaning}`);
    }
    if (r.note) {
      parts.push(r.note);
    }
    if (parts.length > 0) {
      out.push(`  ${r.id}: ${parts.join('; ')}`);
    }
  }
  return out.join('\n');
}

// ---- main ----------------------------------------------------------------------

async function main() {
  const started = new Date();
  const t0 = performance.now();
  await build();
  const server = await startChatServer({ logFile: path.join(repoRoot, 'bench', 'results', 'chat-server.log') });
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bench-'));
  const outputs = [];
  const loadBefore = os.loadavg();
  try {
    for (const b of BENCHMARKS) {
      if (only && !only.has(b.id)) {
        continue;
      }
      log(`bench: ${b.id}${smoke ? ' (smoke)' : ''}…`);
      const out = await runBenchmark(b, { pid: server.pid, port: server.port }, tmpDir);
      log(`bench: ${b.id} ${out.error ? `FAILED: ${out.error}` : 'done'} in ${(out.elapsedMs / 1000).toFixed(1)} s`);
      outputs.push(out);
    }
  } finally {
    await stopAll();
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }

  const rows = outputs.flatMap((o) =>
    o.error ? [{ id: o.id, figure: `${o.id} (crashed)`, ours: undefined, budget: { text: '—', holds: false }, note: o.error }] : o.rows,
  );
  const judged = rows.filter((r) => r.budget.holds !== undefined);
  const holding = judged.filter((r) => r.budget.holds === true).length;
  const skipped = rows.length - judged.length;
  const elapsedS = (performance.now() - t0) / 1000;
  const summary = `${holding} of ${judged.length} budgets hold${skipped ? ` (${skipped} skipped)` : ''}`;

  const resultsDir = path.join(repoRoot, 'bench', 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, smoke ? 'smoke.json' : 'latest.json');
  const report = {
    schemaVersion: 1,
    smoke,
    startedAt: started.toISOString(),
    elapsedS,
    machine: { node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadAvgBefore: loadBefore, loadAvgAfter: os.loadavg() },
    target: { pid: server.pid, port: server.port, what: 'examples/chat-server/server.js' },
    summary,
    benchmarks: outputs.map((o) => ({ id: o.id, elapsedMs: o.elapsedMs, error: o.error })),
    rows,
  };
  fs.writeFileSync(file, JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');

  console.log(`\nChat-Room Monitor benchmarks${smoke ? ' — SMOKE MODE: tiny sizes, the figures mean nothing' : ''} (${os.cpus().length} CPUs, load ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, ${elapsedS.toFixed(0)} s)\n`);
  console.log(renderTable(rows));
  console.log('\nnotes:');
  console.log(renderNotes(rows));
  console.log(`\nraw figures: ${path.relative(repoRoot, file)}`);
  console.log(summary);
  process.exitCode = outputs.some((o) => o.error) ? 1 : 0;
}

main().catch(async (e) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  await stopAll();
  process.exitCode = 1;
});
