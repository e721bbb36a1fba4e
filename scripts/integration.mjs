#!/usr/bin/env node
// Integration level: mocha inside a REAL VS Code extension host (code-server's
// Node extension host), with the extension loaded from this repo's build (dist/)
// and watching a real example chat server.
//
// Steps: start the example chat server → start code-server with a workspace whose
// settings point at it → open the workbench in Chromium with the `payload` URL
// parameter carrying extensionDevelopmentPath + extensionTestsPath, so the extension
// host runs out/test/integration/index.js → wait for the workbench's
// codeAutomationExit(code) → read the JSON result the suite wrote → stop everything.
//
// Then the same once more in a workspace in Restricted Mode (workspace trust on,
// folder not trusted) running only the tests whose title contains "[untrusted]".
//
// Needs: `npm run build` (dist/extension.js) and `npm run compile-tests` (out/).
// Env:   CRM_TEST_FORCE_FAIL=1 makes one test fail on purpose (proves the path);
//        CRM_VERBOSE=1 echoes the extension host's console.
// Last line printed: "N passed, N failed". Exit code 0 only when all passed.
import fs from 'node:fs';
import path from 'node:path';
import { startCodeServer } from './codeServer.mjs';
import { launchBrowser, remoteUri, workbenchUrl } from './lib/browser.mjs';
import { startChatServer } from './lib/chatServer.mjs';
import { examplesDir, extensionDir, repoRoot, resultsDir } from './lib/paths.mjs';
import { stopAll, stopProcess } from './lib/processes.mjs';

// The alert tests run a cpu-burn load phase (≤ 40 s) inside the suite, the profile test
// another; at a load average of 25 the trusted pass took more than 300 s.
const RUN_TIMEOUT_MS = 600_000;
const verbose = process.env.CRM_VERBOSE === '1';
const outDir = path.join(resultsDir, 'integration');

/**
 * One pass: a fresh code-server and browser, the suite in the extension host.
 * @param {'disabled'|'untrusted'} trust
 * @returns {Promise<{ passes: number, failures: number }>}
 */
async function runPass(trust) {
  const label = trust === 'disabled' ? 'trusted workspace' : 'Restricted Mode';
  const resultFile = path.join(outDir, `result-${trust}.json`);
  fs.rmSync(resultFile, { force: true });
  const server = await startChatServer({ logFile: path.join(outDir, `chat-server-${trust}.log`) });
  console.log(`[integration] ${label}: example chat server on port ${server.port} (pid ${server.pid})`);
  const cs = await startCodeServer({
    name: `integration-${trust}`,
    workspaceTrust: trust,
    workspaceSettings: {
      'chatroomMonitor.target.port': server.port,
      'chatroomMonitor.metrics.url': server.metricsUrl,
      'chatroomMonitor.sampleIntervalMs': 1000,
      // Any free port for the OTLP receiver: runs side by side never fight over 4318.
      'chatroomMonitor.traces.port': 0,
    },
    env: {
      CRM_TEST_SERVER_PORT: String(server.port),
      CRM_TEST_SERVER_PID: String(server.pid),
      CRM_TEST_METRICS_URL: server.metricsUrl,
      CRM_TEST_RESULT_FILE: resultFile,
      CRM_TEST_WORKSPACE_TRUST: trust,
      CRM_TEST_MANIFEST: path.join(extensionDir, 'package.json'),
      CRM_EXAMPLES_DIR: examplesDir,
    },
  });
  console.log(`[integration] ${label}: ${cs.version} at ${cs.url}`);
  const browser = await launchBrowser({ onConsole: verbose ? (l) => console.log(`  | ${l}`) : undefined });
  try {
    let resolveExit;
    const exit = new Promise((r) => (resolveExit = r));
    await browser.page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
    const url = workbenchUrl(cs.url, cs.workspaceDir, [
      ['extensionDevelopmentPath', remoteUri(cs.url, extensionDir)],
      ['extensionTestsPath', remoteUri(cs.url, path.join(repoRoot, 'out', 'test', 'integration', 'index.js'))],
    ]);
    // A loaded shared machine can take more than the default 30 s to serve the workbench.
    await browser.page.goto(url, { timeout: 120_000 });
    let timer;
    const timeout = new Promise((r) => (timer = setTimeout(() => r('timeout'), RUN_TIMEOUT_MS)));
    const code = await Promise.race([exit, timeout]);
    clearTimeout(timer);
    await browser.page.screenshot({ path: path.join(outDir, `end-${trust}.png`) }).catch(() => {});
    if (!fs.existsSync(resultFile)) {
      const tail = browser.consoleLines.slice(-30).join('\n');
      console.log(`[integration] ${label}: the suite wrote no result (exit ${code}); last console lines:\n${tail}`);
      return { passes: 0, failures: 1 };
    }
    const result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
    for (const t of result.tests) {
      console.log(`  ${t.state === 'passed' ? 'ok  ' : 'FAIL'} ${t.fullTitle} (${t.durationMs} ms)${t.error ? `\n       ${t.error.replace(/\n/g, '\n       ')}` : ''}`);
    }
    // A non-zero exit with no failing test means the run itself broke (say, index.js
    // threw); a pass that ran nothing is a broken filter, not a success.
    let failures = result.failures + (code !== 0 && result.failures === 0 ? 1 : 0);
    if (result.passes + result.failures === 0) {
      console.log(`[integration] ${label}: no test ran`);
      failures += 1;
    }
    return { passes: result.passes, failures };
  } finally {
    await browser.close();
    await cs.stop();
    await stopProcess(server.entry);
  }
}

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  const missing = [path.join(extensionDir, 'dist', 'extension.js'), path.join(repoRoot, 'out', 'test', 'integration', 'index.js')].filter((f) => !fs.existsSync(f));
  if (missing.length > 0) {
    console.log(`[integration] missing ${missing.join(', ')}: run "npm run build" and "npm run compile-tests" first.`);
    console.log('0 passed, 1 failed');
    return 1;
  }
  let passes = 0;
  let failures = 0;
  for (const trust of /** @type {const} */ (['disabled', 'untrusted'])) {
    try {
      const r = await runPass(trust);
      passes += r.passes;
      failures += r.failures;
    } catch (err) {
      console.log(`[integration] ${trust} pass could not run: ${err?.message ?? err}`);
      failures += 1;
    }
  }
  console.log(`${passes} passed, ${failures} failed`);
  return failures === 0 ? 0 : 1;
}

const code = await main().finally(() => stopAll());
process.exit(code);
