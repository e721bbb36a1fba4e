#!/usr/bin/env node
// `npm test`: every level, cheapest first, each one run even when an earlier one
// failed so the final line counts everything:
//
//   type-check   tsc --noEmit                                   1 check
//   lint         eslint                                         1 check
//   unit         mocha over out/test/unit (plain Node)          its tests
//   conformance  our parser vs a real Prometheus' recorded verdicts and samples (test/conformance)
//   webview      the dashboard pages in headless Chromium       its tests
//   package      esbuild + vsce → chatroom-monitor.vsix         1 check
//   integration  mocha in a real extension host (code-server)   its tests
//   e2e          Playwright + Chromium through the workbench    its checks
//   scenarios    the CLI's diagnosis of the example server under load (the long,
//                light leak scenario runs beside type-check … package)
//   cleanup      no process started by this run survives it    1 check
//
// Prints a timing per level and ends with ONE line "N passed, N failed".
// Exit code 0 only when nothing failed.
import fs from 'node:fs';
import path from 'node:path';
import { packageExtension } from './lib/extension.mjs';
import { failureLines } from './lib/failures.mjs';
import { repoRoot } from './lib/paths.mjs';
import { startProcess, stopAll, watchDescendants } from './lib/processes.mjs';
import { SCENARIO_RUNS } from '../test/scenarios/scenarios.mjs';

const bin = (name) => path.join(repoRoot, 'node_modules', '.bin', name);
// The unit files whose tests start real servers and wait on them (see the unit level).
const UNIT_SERVER_FILES = ['prometheus/promWatch', 'traces/exampleServerTraces', 'profile/capture'].map((f) => `out/test/unit/${f}.test.js`);
// Mocha's spec reporter, then each lane's slowest files with their hooks: where its time went.
const SPEC_WITH_FILE_TIMES = path.join(repoRoot, 'scripts', 'lib', 'specWithFileTimes.cjs');
const watcher = watchDescendants();

/**
 * Runs one command in its own process group, echoing its output, and returns its
 * exit code and output. The output is also kept in `outputs` (the level's), from
 * which the failures are named again before the summary table.
 * @param {string[]} outputs
 * @param {string} name
 * @param {string} command
 * @param {string[]} args
 */
async function runStep(outputs, name, command, args) {
  const p = startProcess(name, command, args, { cwd: repoRoot, echo: true, env: { ...process.env, FORCE_COLOR: '0' } });
  const code = await p.exited;
  outputs.push(p.output());
  return { code, output: p.output() };
}

/** "N passed, N failed" (ours) or mocha's "N passing" / "N failing"; undefined when absent. */
function parseCounts(output) {
  const ours = [...output.matchAll(/^(\d+) passed, (\d+) failed\s*$/gm)].pop();
  if (ours) {
    return { passed: Number(ours[1]), failed: Number(ours[2]) };
  }
  const passing = /^\s*(\d+) passing/m.exec(output);
  const failing = /^\s*(\d+) failing/m.exec(output);
  if (passing || failing) {
    return { passed: passing ? Number(passing[1]) : 0, failed: failing ? Number(failing[1]) : 0 };
  }
  return undefined;
}

/** A level's counts: its own when it printed them, else 1 check from its exit code. */
function countsOf(code, output) {
  const c = parseCounts(output);
  if (!c) {
    return code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
  }
  // A non-zero exit that reported no failure (a crash after the summary) still fails.
  return code !== 0 && c.failed === 0 ? { passed: c.passed, failed: 1 } : c;
}

const results = [];
/**
 * Runs one level. `fn` gets the level's `step(name, command, args)` (runStep with
 * the output kept) and returns its counts.
 * @param {string} name
 * @param {(step: (name: string, command: string, args: string[]) => Promise<{ code: number|null, output: string }>, outputs: string[]) => Promise<{ passed: number, failed: number }>} fn
 */
async function level(name, fn) {
  const t0 = Date.now();
  console.log(`\n━━ ${name} ━━`);
  const outputs = [];
  let counts;
  try {
    counts = await fn((stepName, command, args) => runStep(outputs, stepName, command, args), outputs);
  } catch (err) {
    console.log(`${name}: ${err?.message ?? err}`);
    outputs.push(`FAIL ${name}: ${err?.message ?? err}`);
    counts = { passed: 0, failed: 1 };
  }
  const seconds = (Date.now() - t0) / 1000;
  results.push({ name, ...counts, seconds, outputs });
  console.log(`━━ ${name}: ${counts.passed} passed, ${counts.failed} failed in ${seconds.toFixed(1)} s`);
}

async function main() {
  const tStart = Date.now();
  // Stale compiled tests of deleted sources would still run: start from an empty out/.
  fs.rmSync(path.join(repoRoot, 'out'), { recursive: true, force: true });

  // The scenarios marked besideFastLevels (the leak: 5 min of a light 10 msg/s load)
  // start now and run beside the levels up to package, whose tests do not start
  // code-server; the scenarios level then waits only for the others. Not beside
  // integration and e2e: a workbench under a busier machine is what flakes.
  const early = SCENARIO_RUNS.filter((r) => r.besideFastLevels).map((r) => r.name);
  const late = SCENARIO_RUNS.filter((r) => !r.besideFastLevels).map((r) => r.name);
  const scenariosScript = path.join(repoRoot, 'scripts', 'scenarios.mjs');
  const earlyScenarios = early.length === 0 ? undefined : startProcess('scenarios-early', process.execPath, [scenariosScript, '--only', early.join(',')], {
    cwd: repoRoot,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  if (earlyScenarios) console.log(`scenarios ${early.join(', ')} started beside the first levels (pid ${earlyScenarios.pid}); their result is in the scenarios level`);

  // type-check and lint side by side: tsc and eslint use one core each.
  await Promise.all([
    level('type-check', async (step) => {
      const r = await step('tsc', bin('tsc'), ['-p', '.', '--noEmit']);
      return r.code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
    }),
    level('lint', async (step) => {
      const r = await step('eslint', bin('eslint'), ['--no-error-on-unmatched-pattern', 'src', 'test', 'bench', 'scripts', 'examples']);
      return r.code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
    }),
  ]);
  // The webview level (headless Chromium, mostly waiting on the page) runs beside
  // unit and conformance (plain Node). Measured alone here: unit 146 s (+ 14 s to
  // compile), webview 132 s in the full Chromium 156 and 72 s in the headless shell
  // (scripts/lib/browser.mjs), whose pages cost a fifth of the CPU. Beside each other
  // they took 325 s and 251 s with the full browser, the 2 cores saturated; 221 s and
  // 113 s with the shell.
  await Promise.all([
    (async () => {
      await level('unit', async (step) => {
        // Emits even with type errors (the type-check level reports those), so the
        // tests that do compile still run.
        await step('compile-tests', bin('tsc'), ['-p', 'tsconfig.test.json']);
        // Two lanes at once: the few files that drive real servers (a real Prometheus,
        // the example server under the OpenTelemetry SDK, CPU and heap captures) spend
        // their ~115 s mostly waiting on those servers, so they run beside the rest
        // (~145 s alone, 41 of them the bench smoke test) instead of after it. Each lane
        // ends with its slowest files, hooks included.
        // A file given to mocha adds to .mocharc.json's spec, so the servers' lane takes
        // the config's other options alone.
        const rc = JSON.parse(fs.readFileSync(path.join(repoRoot, '.mocharc.json'), 'utf8'));
        const [servers, rest] = await Promise.all([
          step('unit:servers', bin('mocha'), ['--no-config', '--timeout', String(rc.timeout), '--exit', '--reporter', SPEC_WITH_FILE_TIMES, ...UNIT_SERVER_FILES]),
          step('unit', bin('mocha'), ['--config', '.mocharc.json', '--reporter', SPEC_WITH_FILE_TIMES, ...UNIT_SERVER_FILES.flatMap((f) => ['--ignore', f])]),
        ]);
        const a = countsOf(servers.code, servers.output);
        const b = countsOf(rest.code, rest.output);
        return { passed: a.passed + b.passed, failed: a.failed + b.failed };
      });
      await level('conformance', async (step) => {
        // Our parser against what a real Prometheus stored from the same bodies
        // (test/conformance; the unit level compiled it).
        const r = await step('conformance', bin('mocha'), ['--config', 'test/conformance/.mocharc.json', '--reporter', 'dot']);
        return countsOf(r.code, r.output);
      });
    })(),
    (async () => {
      await level('webview', async (step) => {
        // The dashboard page in headless Chromium with fixture messages (test/webview).
        const r = await step('webview', process.execPath, [path.join(repoRoot, 'test', 'webview', 'run.mjs')]);
        return countsOf(r.code, r.output);
      });
    })(),
  ]);
  let vsix;
  await level('package', async () => {
    vsix = await packageExtension();
    console.log(`packaged ${path.relative(repoRoot, vsix)} (${(fs.statSync(vsix).size / 1024).toFixed(0)} KiB)`);
    return { passed: 1, failed: 0 };
  });
  await level('integration', async (step) => {
    if (!vsix) {
      throw new Error('skipped: the extension did not build');
    }
    const r = await step('integration', process.execPath, [path.join(repoRoot, 'scripts', 'integration.mjs')]);
    return countsOf(r.code, r.output);
  });
  await level('e2e', async (step) => {
    if (!vsix) {
      throw new Error('skipped: the extension did not package');
    }
    const r = await step('e2e', process.execPath, [path.join(repoRoot, 'scripts', 'e2e.mjs'), '--vsix', vsix]);
    return countsOf(r.code, r.output);
  });
  await level('scenarios', async (step, outputs) => {
    // The analyzer's diagnosis of the real example server under each load scenario,
    // through the headless CLI (about 2.3 min here: steady beside cpu-burn → flood; the leak, which needs 5 min of
    // data, ran beside the first levels).
    // The besideFastLevels ones started at the beginning (see above).
    const checks = await step('scenario-checks', bin('mocha'), ['--config', 'test/scenarios/.mocharc.json']);
    const counts = [countsOf(checks.code, checks.output)];
    if (late.length > 0) {
      const runs = await step('scenarios', process.execPath, [scenariosScript, '--only', late.join(',')]);
      counts.push(countsOf(runs.code, runs.output));
    }
    if (earlyScenarios) {
      const code = await earlyScenarios.exited;
      const output = earlyScenarios.output();
      process.stdout.write(output.replace(/^(?=.)/gm, '[scenarios-early] '));
      outputs.push(output);
      counts.push(countsOf(code, output));
    }
    return { passed: counts.reduce((s, c) => s + c.passed, 0), failed: counts.reduce((s, c) => s + c.failed, 0) };
  });
  await level('cleanup', async (_step, outputs) => {
    await stopAll();
    const left = watcher.survivors();
    if (left.length > 0) {
      const list = left.map((p) => `  ${p.pid} ${p.cmd.slice(0, 160)}`).join('\n');
      console.log(`still running after the run (now killed):\n${list}`);
      outputs.push(`FAIL still running after the run (now killed):\n${list}`);
      watcher.kill(left);
      return { passed: 0, failed: 1 };
    }
    console.log('no process started by this run is still running');
    return { passed: 1, failed: 0 };
  });

  // CI keeps only the tail of this output: name each failing test here, where the
  // tail reaches, not only in its level's output far above.
  for (const r of results.filter((x) => x.failed > 0)) {
    console.log(`\n━━ failed in ${r.name}:`);
    for (const line of failureLines(r.outputs)) console.log(`  ${line}`);
  }
  console.log('\nlevel         passed  failed   seconds');
  for (const r of results) {
    console.log(`${r.name.padEnd(13)} ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${r.seconds.toFixed(1).padStart(8)}`);
  }
  const passed = results.reduce((s, r) => s + r.passed, 0);
  const failed = results.reduce((s, r) => s + r.failed, 0);
  console.log(`total ${((Date.now() - tStart) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

const code = await main().catch(async (err) => {
  console.log(`test-all: ${err?.stack ?? err}`);
  await stopAll();
  console.log('0 passed, 1 failed');
  return 1;
});
process.exit(code);
