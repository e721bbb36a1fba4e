/**
 * Keeps the benchmark suite from rotting: runs `npm run bench -- --smoke` (every
 * benchmark once, tiny sizes, in its own process, against a real example chat
 * server) and checks that each one produced numbers. Times are never asserted:
 * this machine is shared, and budgets are the full run's business.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface SmokeFigure {
  readonly value: number | null;
  readonly unit: string;
}

interface SmokeRow {
  readonly id: string;
  readonly figure: string;
  readonly ours?: SmokeFigure;
  readonly comparison?: SmokeFigure & { readonly label: string };
  readonly budget: { readonly text: string; readonly holds: boolean | null | undefined };
  readonly note?: string;
}

interface SmokeReport {
  readonly smoke: boolean;
  readonly summary: string;
  readonly benchmarks: readonly { readonly id: string; readonly error?: string }[];
  readonly rows: readonly SmokeRow[];
}

/** Every row the suite must produce (a row may be skipped only with a sentence why). */
const EXPECTED_ROWS = [
  'tick.floor',
  'tick.psutil',
  'tick.libs',
  'spawns.perTick',
  'extensionHost.cpu',
  'extensionHost.cpuDashboard',
  'extensionHost.cpuWarm',
  'extensionHost.cpuFloor',
  'scrape.bareGet',
  'tick.floorWithScrape',
  'stats.summarize',
  'parse.exposition',
  'store.bytesPerSample',
  'store.bytesPerSampleInMemory',
  'history.bytesPerSampleOnDisk',
  'history.writeCostPerTick',
  'history.restoreHour',
  'alerts.evaluate',
  'analyzer.day',
  'report.day',
  'analysis.liveTick',
  'memory.watcher100k',
  'memory.watcher100kFastFill',
  'memory.day',
  'dashboard.firstRender',
  'dashboard.update',
  'dashboard.update1hTiered',
  'dashboard.updateAllTiered',
  'activation.headless',
  'activation.firstSample',
  'bundle.extension',
  'bundle.webview',
  'bundle.logsView',
  'bundle.logsPage',
  'bundle.traces',
  'bundle.tracesView',
  'bundle.tracesPage',
  'logs.ingest.json',
  'logs.ingest.file',
  'logs.memoryPerKeptLine',
  'logs.viewScreen',
  'logs.childProcesses',
  'profile.throughput',
  'traces.ingest.protobuf',
  'traces.ingest.json',
  'traces.memoryPerKeptSpan',
];

/** Rows that may be skipped on a machine without the tool they compare against. */
const OPTIONAL = new Set(['tick.psutil', 'stats.summarize']);

// out/test/unit → the repository root.
const repoRoot = path.resolve(__dirname, '..', '..', '..');

describe('npm run bench -- --smoke', function () {
  this.timeout(180_000);
  let report: SmokeReport;
  let stdout = '';

  before(async () => {
    // --no-compile: this test runs from a fresh out/ already; the bundles are still rebuilt.
    stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [path.join(repoRoot, 'scripts', 'bench.mjs'), '--smoke', '--no-compile'], { cwd: repoRoot, timeout: 170_000, maxBuffer: 8 << 20 }, (err, out, errOut) => {
        if (err && err.code !== 1) {
          reject(new Error(`scripts/bench.mjs --smoke failed (${err.message}): ${errOut.slice(-2000)}`));
          return;
        }
        resolve(out);
      });
    });
    report = JSON.parse(readFileSync(path.join(repoRoot, 'bench', 'results', 'smoke.json'), 'utf8')) as SmokeReport;
  });

  it('runs in smoke mode and no benchmark crashes', () => {
    assert.equal(report.smoke, true);
    const crashed = report.benchmarks.filter((b) => b.error).map((b) => `${b.id}: ${b.error}`);
    assert.deepEqual(crashed, []);
  });

  it('produces every row, each with finite numbers (or a sentence saying why it was skipped)', () => {
    assert.deepEqual(
      report.rows.map((r) => r.id),
      EXPECTED_ROWS,
    );
    for (const row of report.rows) {
      if (row.ours === undefined && OPTIONAL.has(row.id)) {
        assert.match(row.note ?? '', /\w+ .*\./, `${row.id} was skipped without saying why`);
        continue;
      }
      assert.ok(row.ours, `${row.id} has no figure`);
      assert.ok(Number.isFinite(row.ours.value), `${row.id}: ours is ${String(row.ours.value)}`);
      assert.ok(row.ours.unit.length > 0, `${row.id} has no unit`);
      if (row.comparison) {
        assert.ok(Number.isFinite(row.comparison.value), `${row.id}: the comparison is ${String(row.comparison.value)}`);
      }
      assert.equal(typeof row.budget.holds, 'boolean', `${row.id}: budget not judged`);
    }
  });

  it('prints one aligned table and the budgets line', () => {
    const lines = stdout.split('\n');
    const header = lines.findIndex((l) => /^figure\s+ours\s+comparison\s+ratio\s+budget\s+holds$/.test(l));
    assert.ok(header >= 0, 'no table header');
    const rows = lines.slice(header + 2, header + 2 + EXPECTED_ROWS.length);
    // Aligned: the "holds" column starts at the same place on every line.
    const holdsAt = lines[header]!.indexOf('holds');
    for (const l of rows) {
      assert.match(l.slice(holdsAt), /^(yes|NO|skipped)$/, `misaligned row: ${l}`);
    }
    assert.match(lines.filter((l) => l !== '').at(-1) ?? '', /^\d+ of \d+ budgets hold/);
  });
});
