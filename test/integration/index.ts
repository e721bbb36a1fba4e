/**
 * Entry point the extension host loads when the workbench is opened with an
 * `extensionTestsPath` (code-server: the `payload` URL parameter; desktop:
 * --extensionTestsPath). The host calls run() and reports its outcome to the
 * workbench, which hands the exit code to the driver (scripts/integration.mjs).
 *
 * Env (set on code-server, inherited by the extension host):
 *   CRM_TEST_RESULT_FILE      where to write the JSON result for the driver
 *   CRM_TEST_WORKSPACE_TRUST  'untrusted' → run only the "[untrusted]" tests, else all others
 *   CRM_TEST_ONLY             (optional) run only the files whose name contains it, e.g. "profile"
 */
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

/** What the suite writes to CRM_TEST_RESULT_FILE. */
export interface IntegrationResult {
  passes: number;
  failures: number;
  tests: { fullTitle: string; state: 'passed' | 'failed'; durationMs: number; error?: string }[];
}

export function run(): Promise<void> {
  const untrusted = process.env.CRM_TEST_WORKSPACE_TRUST === 'untrusted';
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30000, reporter: 'spec' });
  // A RegExp: mocha reads a grep string as a pattern, and "[untrusted]" would be a character class.
  mocha.grep(/\[untrusted\]/);
  if (!untrusted) {
    mocha.invert();
  }
  for (const f of fs.readdirSync(__dirname).sort()) {
    if (f.endsWith('.test.js') && (!process.env.CRM_TEST_ONLY || f.includes(process.env.CRM_TEST_ONLY))) {
      mocha.addFile(path.join(__dirname, f));
    }
  }
  const result: IntegrationResult = { passes: 0, failures: 0, tests: [] };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      result.passes = runner.stats?.passes ?? 0;
      result.failures = failures;
      const out = process.env.CRM_TEST_RESULT_FILE;
      if (out) {
        fs.writeFileSync(out, JSON.stringify(result, null, 2));
      }
      if (failures > 0) {
        reject(new Error(`${failures} integration test(s) failed.`));
      } else {
        resolve();
      }
    });
    runner.on('pass', (t) => result.tests.push({ fullTitle: t.fullTitle(), state: 'passed', durationMs: t.duration ?? 0 }));
    runner.on('fail', (t, err: Error) => result.tests.push({ fullTitle: t.fullTitle(), state: 'failed', durationMs: t.duration ?? 0, error: String(err?.message ?? err) }));
  });
}
