/**
 * The e2e runner: opens the workbench once, runs every check from test/e2e/checks/
 * in `order`, saves a screenshot after each one, and ends with "N passed, N failed".
 * Started by scripts/e2e.mjs, which owns code-server and the chat server; this
 * process owns only the browser and the load generators its checks start.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { E2eCheck } from './support/check';
import { killAllChildren } from './support/childProcesses';
import { updateFolderSettings } from './support/workbenchUi';
import { E2eEnv, Workbench, e2eEnvFromProcess, setDisplayLanguage } from './support/workbench';

const DEFAULT_CHECK_TIMEOUT_MS = 60000;

function loadChecks(): E2eCheck[] {
  const dir = path.join(__dirname, 'checks');
  const all: E2eCheck[] = [];
  for (const f of fs.readdirSync(dir).sort()) {
    if (f.endsWith('.check.js')) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path.join(dir, f)) as { checks?: E2eCheck[] };
      if (!Array.isArray(mod.checks)) {
        throw new Error(`${f} does not export "checks: E2eCheck[]"`);
      }
      all.push(...mod.checks);
    }
  }
  return all.sort((a, b) => a.order - b.order);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/**
 * Opens the workbench for one display language's checks (a lane), runs them in `order`,
 * and closes it. `counts` gathers passes and failures over all lanes.
 */
async function runLane(env: E2eEnv, checks: E2eCheck[], waitForExtension: boolean, counts: { passed: number; failed: number; shots: number }, log: (s: string) => void): Promise<void> {
  log(`${checks.length} checks${env.locale ? ` in the ${env.locale} display language` : ''}; opening ${env.url}`);
  let wb: Workbench;
  try {
    wb = await Workbench.open(env);
  } catch (err) {
    log(`FAIL the workbench did not open: ${String((err as Error).message ?? err).split('\n')[0]}`);
    counts.failed++;
    return;
  }
  try {
    if (waitForExtension) {
      // The skipped checks would have waited for the extension: wait for its live status bar item here.
      await wb.statusBarItem(/%\s*·/).first().waitFor({ timeout: 120000 }).catch(() => log('the extension\'s status bar item did not appear in 120 s'));
    }
    for (const c of checks) {
      const start = Date.now();
      try {
        await withTimeout(c.run(wb), c.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS, c.name);
        counts.passed++;
        log(`PASS ${c.name} (${Date.now() - start} ms)`);
      } catch (err) {
        counts.failed++;
        log(`FAIL ${c.name} (${Date.now() - start} ms): ${String((err as Error).message ?? err).split('\n')[0]}`);
      }
      counts.shots++;
      const shot = await wb.screenshot(`${String(counts.shots).padStart(2, '0')}-${c.name.toLowerCase().slice(0, 60)}`).catch(() => undefined);
      if (shot) {
        log(`  screenshot ${path.relative(process.cwd(), shot)}`);
      }
    }
    if (counts.failed > 0) {
      const errors = wb.consoleLines.filter((l) => l.startsWith('[error]') || l.startsWith('[pageerror]')).slice(-5);
      for (const e of errors) {
        console.log(`  browser console: ${e.slice(0, 300)}`);
      }
    }
  } finally {
    await wb.close();
  }
}

/**
 * The workspace folder a lane's window opens. English: the harness' own. Another display
 * language: a sibling folder of its own (…/ws-zh-cn), made afresh with the harness' settings
 * and README. VS Code keeps a workspace's storage per folder, so each lane has its own
 * history, runs and audit log: one lane's runs never show in another's Compare Runs, its
 * report or its dashboard, and a check that changes the settings (the lowered CPU rule)
 * changes only its own lane's.
 */
function laneFolder(harnessFolder: string, locale: string | undefined, harnessSettings: string | undefined): string {
  if (!locale) {
    return harnessFolder;
  }
  const folder = `${harnessFolder}-${locale}`;
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(path.join(folder, '.vscode'), { recursive: true });
  if (harnessSettings !== undefined) {
    fs.writeFileSync(path.join(folder, '.vscode', 'settings.json'), harnessSettings);
  }
  const readme = path.join(harnessFolder, 'README.md');
  if (fs.existsSync(readme)) {
    fs.copyFileSync(readme, path.join(folder, 'README.md'));
  }
  return folder;
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const log = (s: string): void => console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s] ${s}`);
  const env = e2eEnvFromProcess();
  // CRM_E2E_ONLY=<pattern>: run only the checks whose name matches (while working on one).
  const only = process.env.CRM_E2E_ONLY ? new RegExp(process.env.CRM_E2E_ONLY, 'i') : undefined;
  const checks = loadChecks().filter((c) => !only || only.test(c.name));
  // One lane per display language, English first, each in a window of its own on the same
  // code-server: a check with a `locale` runs only in that language's window.
  const lanes = [undefined, ...new Set(checks.map((c) => c.locale).filter((l): l is string => l !== undefined))];
  const counts = { passed: 0, failed: 0, shots: 0 };
  // Each lane's window starts from the workspace settings the harness wrote, in a folder of its own.
  const settingsFile = path.join(env.folder, '.vscode', 'settings.json');
  const harnessSettings = fs.existsSync(settingsFile) ? fs.readFileSync(settingsFile, 'utf8') : undefined;
  let lanesRun = 0;
  try {
    for (const locale of lanes) {
      const laneChecks = checks.filter((c) => c.locale === locale);
      if (laneChecks.length === 0) {
        continue;
      }
      const folder = laneFolder(env.folder, locale, harnessSettings);
      if (lanesRun++ > 0) {
        // A later window gets an OTLP receiver port of its own (0: a free port, which its
        // Traces view names): the previous window's extension host holds the harness' port
        // until it has ended, which Workbench.close only starts.
        updateFolderSettings(folder, { 'chatroomMonitor.traces.port': 0 });
      }
      setDisplayLanguage(env, locale);
      // A new window's extension activates while the first checks already look for it.
      await runLane({ ...env, folder, ...(locale ? { locale } : {}) }, laneChecks, !!only || locale !== undefined, counts, log);
    }
  } finally {
    setDisplayLanguage(env, undefined);
    killAllChildren();
  }
  console.log(`${counts.passed} passed, ${counts.failed} failed`);
  return counts.failed === 0 ? 0 : 1;
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    killAllChildren();
    process.exit(1);
  });
}
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.log(`e2e runner error: ${(err as Error)?.message ?? String(err)}`);
    killAllChildren();
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
