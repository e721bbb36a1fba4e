#!/usr/bin/env node
// `npm run test:scenarios`: the analyzer's diagnosis of the REAL example chat server
// under each load scenario, through the headless CLI, as a user would run it in CI:
//
//   fresh server → load.js --scenario X → chatroom-monitor report --json → checks
//
// leak must be a memory-leak suspect with a forecast, cpu-burn CPU saturation,
// flood load-driven latency, steady healthy with nothing above info; every issue
// names its evidence; `--fail-on warning` exits 1 for cpu-burn and 0 for steady.
// Checks are in test/scenarios/expectations.mjs, the runs in test/scenarios/scenarios.mjs.
//
// Options: --only leak,steady   run some scenarios
//          --cli PATH           use this CLI bundle instead of building one
// Reports and logs go to test-results/scenarios/. Ends with "N passed, N failed";
// exit 0 only when nothing failed. Every process it starts is stopped at the end,
// on failure and on Ctrl-C too (scripts/lib/processes.mjs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleCli } from './lib/cliBundle.mjs';
import { startChatServer } from './lib/chatServer.mjs';
import { examplesDir, repoRoot, resultsDir } from './lib/paths.mjs';
import { startProcess, stopAll, stopProcess, waitForLine, watchDescendants } from './lib/processes.mjs';
import { CHECKS, checkFailOnExit } from '../test/scenarios/expectations.mjs';
import { SCENARIO_RUNS, WARMUP_S } from '../test/scenarios/scenarios.mjs';

/** The whole run is bounded: past this, everything is stopped and the run fails. */
const HARD_LIMIT_MS = 10 * 60_000;
/** Time the CLI may take past its --duration to analyse and write its report. */
const CLI_GRACE_MS = 60_000;
/** Nice value of the servers under test (see raisePriority). */
const SERVER_NICE = -10;

const outDir = path.join(resultsDir, 'scenarios');
const watcher = watchDescendants();

function parseArgs(argv) {
  const opts = { only: undefined, cli: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only') opts.only = new Set((argv[++i] ?? '').split(',').filter(Boolean));
    else if (a === '--cli') opts.cli = path.resolve(argv[++i] ?? '');
    else throw new Error(`Unknown option "${a}"; the options are --only NAME[,NAME] and --cli PATH.`);
  }
  if (opts.only) {
    const unknown = [...opts.only].filter((n) => !SCENARIO_RUNS.some((s) => s.name === n));
    if (unknown.length > 0) throw new Error(`--only: no scenario named ${unknown.join(', ')}; the scenarios are ${SCENARIO_RUNS.map((s) => s.name).join(', ')}.`);
  }
  return opts;
}

/**
 * The server under test gets a higher scheduling priority where we may give it one
 * (root): on a machine shared with other work a CPU-bound server otherwise gets a
 * fair share of the cores — half of one at a load average of 4 on 2 cores — and
 * what is tested becomes the machine's load, not the diagnosis. Its work per
 * message is unchanged; without the privilege the run goes on at normal priority.
 */
function raisePriority(pid) {
  try {
    os.setPriority(pid, SERVER_NICE);
    // The server leads its own session (setsid), and with autogroup scheduling
    // (Linux' default on desktops) a session's nice weighs only against the threads
    // of that session: the share among sessions is set on the autogroup itself.
    const autogroup = `/proc/${pid}/autogroup`;
    if (fs.existsSync(autogroup)) fs.writeFileSync(autogroup, String(SERVER_NICE));
  } catch (err) {
    if (!priorityNoted) console.log(`note: could not raise the chat server's priority (${err?.code ?? err}); on a busy machine cpu-burn may get too little CPU to saturate`);
    priorityNoted = true;
  }
}
let priorityNoted = false;

const seconds = (ms) => (ms / 1000).toFixed(1);

/**
 * One scenario: fresh server, load, CLI report, checks; everything it started is
 * stopped before it returns.
 * @param {import('../test/scenarios/scenarios.mjs').ScenarioRun} run
 * @param {string} cliPath
 */
async function runScenario(run, cliPath) {
  const t0 = Date.now();
  const log = (name) => path.join(outDir, `${run.name}.${name}.log`);
  for (const f of ['server', 'load', 'cli']) fs.rmSync(log(f), { force: true });
  const reportFile = path.join(outDir, `${run.name}.report.json`);
  fs.rmSync(reportFile, { force: true });
  const started = [];
  try {
    const server = await startChatServer({ logFile: log('server') });
    started.push(server.entry);
    raisePriority(server.pid);
    // The load outlives the watch, so the CLI never sees it stop.
    const loadS = WARMUP_S + run.watchS + 30;
    const load = startProcess(
      `load:${run.name}`,
      process.execPath,
      [path.join(examplesDir, 'load', 'load.js'), '--url', server.wsUrl, '--scenario', run.scenario, '--duration', `${loadS}s`, ...run.loadArgs],
      { logFile: log('load') },
    );
    started.push(load);
    // Printed once /control is set and the users are connecting.
    await waitForLine(load, /^load: [\w-]+, \d+ users/m, 15_000);
    if (/could not set/.test(load.output())) {
      throw new Error(`the load generator could not set the server's fault: ${load.output().trim().split('\n').find((l) => /could not set/.test(l))}`);
    }
    await new Promise((r) => setTimeout(r, WARMUP_S * 1000));

    const args = [cliPath, 'report', '--port', String(server.port), '--duration', `${run.watchS}s`, '--json', '--out', reportFile];
    if (run.failOn) args.push('--fail-on', run.failOn.level);
    const cli = startProcess(`cli:${run.name}`, process.execPath, args, { logFile: log('cli') });
    started.push(cli);
    const code = await Promise.race([
      cli.exited,
      new Promise((r) => setTimeout(() => r('timeout'), run.watchS * 1000 + CLI_GRACE_MS)),
    ]);
    if (code === 'timeout') {
      throw new Error(`the CLI did not finish within ${run.watchS + CLI_GRACE_MS / 1000} s; its output:\n${cli.output().slice(-1500)}`);
    }
    if (!fs.existsSync(reportFile)) {
      throw new Error(`the CLI exited ${code} without writing ${path.relative(repoRoot, reportFile)}; its output:\n${cli.output().slice(-1500)}`);
    }
    if (load.child.exitCode !== null) {
      throw new Error(`the load generator stopped before the CLI did (exit ${load.child.exitCode}); its output:\n${load.output().slice(-1500)}`);
    }
    if (server.entry.child.exitCode !== null || server.entry.child.signalCode !== null) {
      // Not something the scenario does: the diagnosis below would be "server down".
      throw new Error(`the chat server exited during the watch (${server.entry.child.signalCode ?? `code ${server.entry.child.exitCode}`}); its log ends:\n${server.entry.output().slice(-600)}`);
    }
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
    const result = CHECKS[run.name](report);
    const lastLoadLine = load.output().trim().split('\n').filter((l) => l.startsWith('load [')).pop() ?? '';
    result.figures.push(`load: ${lastLoadLine.replace(/^load /, '')}`);
    const checks = [{ name: `${run.name}: diagnosis`, failures: result.failures }];
    if (run.failOn) {
      checks.push({
        name: `${run.name}: --fail-on ${run.failOn.level} exits ${run.failOn.exitCode}`,
        failures: checkFailOnExit(code, run.failOn.exitCode, run.failOn.level, report.analysis?.status),
      });
    } else if (code !== 0) {
      result.failures.push(`the CLI exited ${code}; its output:\n${cli.output().slice(-800)}`);
    }
    return { run, checks, figures: result.figures, ms: Date.now() - t0 };
  } catch (err) {
    return { run, checks: [{ name: `${run.name}: diagnosis`, failures: [err?.message ?? String(err)] }], figures: [], ms: Date.now() - t0 };
  } finally {
    // Load first: it puts /control back, then the server can go.
    for (const p of started.reverse()) await stopProcess(p);
  }
}

function printResult(r) {
  for (const c of r.checks) {
    console.log(`${c.failures.length === 0 ? 'PASS' : 'FAIL'} ${c.name} (${seconds(r.ms)} s)`);
    for (const f of c.failures) console.log(`     ✗ ${f}`);
  }
  for (const f of r.figures) console.log(`     · ${f}`);
}

async function main() {
  const tStart = Date.now();
  const opts = parseArgs(process.argv.slice(2));
  fs.mkdirSync(outDir, { recursive: true });
  const cliPath = opts.cli ?? (await bundleCli(outDir));
  const runs = SCENARIO_RUNS.filter((s) => !opts.only || opts.only.has(s.name));
  const lanes = new Map();
  for (const r of runs) lanes.set(r.lane, [...(lanes.get(r.lane) ?? []), r]);
  console.log(`scenarios: ${[...lanes].map(([lane, rs]) => `lane ${lane}: ${rs.map((r) => `${r.name} ${r.watchS}s`).join(' → ')}`).join(' ‖ ')}`);

  const results = [];
  const all = Promise.all(
    [...lanes.values()].map(async (laneRuns) => {
      for (const run of laneRuns) {
        const r = await runScenario(run, cliPath);
        printResult(r);
        results.push(r);
      }
    }),
  );
  let timer;
  const timedOut = await Promise.race([all.then(() => false), new Promise((r) => (timer = setTimeout(() => r(true), HARD_LIMIT_MS)))]);
  clearTimeout(timer);

  let passed = 0;
  let failed = 0;
  for (const r of results) {
    for (const c of r.checks) {
      if (c.failures.length === 0) passed++;
      else failed++;
    }
  }
  if (timedOut) {
    console.log(`FAIL the run did not finish within ${HARD_LIMIT_MS / 60_000} min`);
    failed++;
  }
  await stopAll();
  const left = watcher.survivors();
  if (left.length > 0) {
    console.log(`FAIL no process left running: ${left.map((p) => `${p.pid} ${p.cmd.slice(0, 100)}`).join('; ')} (now killed)`);
    watcher.kill(left);
    failed++;
  } else {
    console.log('PASS no process left running');
    passed++;
  }
  console.log(`total ${seconds(Date.now() - tStart)} s; reports and logs in ${path.relative(repoRoot, outDir)}/`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

const code = await main().catch(async (err) => {
  console.log(`scenarios: ${err?.message ?? err}`);
  await stopAll();
  console.log('0 passed, 1 failed');
  return 1;
});
process.exit(code);
