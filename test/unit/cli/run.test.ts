import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseRunArgs } from '../../../src/cli/run';
import { isRunning } from '../supervise/processHelpers';

/** The compiled CLI next to this test (tsconfig.test.json compiles src too). */
const CLI = path.join(__dirname, '../../../src/cli/main.js');

function runCli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('cli run', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-run-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('parses the options and the command after --', () => {
    const r = parseRunArgs(['--min-uptime', '2s', '--max-restarts', '4', '--audit', 'a.jsonl', '--', 'npm', 'run', 'dev', '--', '--port', '1']);
    assert.ok(r.ok);
    assert.equal(r.args.command, 'npm');
    assert.deepEqual(r.args.args, ['run', 'dev', '--', '--port', '1']);
    assert.equal(r.args.minUptimeMs, 2000);
    assert.equal(r.args.maxRestarts, 4);
    const bad = parseRunArgs(['--min-uptime', 'soon', '--', 'x']);
    assert.ok(!bad.ok && /--min-uptime/.test(bad.message));
    const none = parseRunArgs(['--max-restarts', '3']);
    assert.ok(!none.ok && /after --/.test(none.message));
  });

  it('supervises a crashing command: ×1.5 delays in the audit, a crash loop, exit 1 and a report with Operations', async () => {
    const audit = path.join(dir, 'audit.jsonl');
    const report = path.join(dir, 'report.json');
    const r = await runCli(['run', '--min-uptime', '5s', '--max-restarts', '3', '--audit', audit, '--report', report, '--', process.execPath, '-e', 'console.error("db down"); setTimeout(() => process.exit(1), 200)']);
    assert.equal(r.code, 1, r.stderr);
    const lines = fs.readFileSync(audit, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const l of lines) {
      for (const k of ['time', 'action', 'trigger', 'result']) {
        assert.ok(k in l, `${k} in ${JSON.stringify(l)}`);
      }
    }
    const restarts = lines.filter((l) => l.action === 'restart');
    assert.deepEqual(restarts.map((l) => [l.exitCode, l.signal, l.delayMs]), [[1, null, 100], [1, null, 150], [1, null, 225]]);
    assert.equal(lines.filter((l) => l.action === 'crashLoop').length, 1);
    const rep = JSON.parse(fs.readFileSync(report, 'utf8')) as { operations: { runs: number; restartsBySupervisor: number; crashLoop: boolean } };
    assert.equal(rep.operations.runs, 4);
    assert.equal(rep.operations.restartsBySupervisor, 3);
    assert.equal(rep.operations.crashLoop, true);
    assert.match(r.stderr, /Crash loop/);
    assert.match(r.stderr, /db down/);
  });

  it('stops the command after --duration, leaves no process behind, and writes a Markdown report', async () => {
    const audit = path.join(dir, 'audit.jsonl');
    const report = path.join(dir, 'report.md');
    const r = await runCli(['run', '--duration', '2s', '--audit', audit, '--report', report, '--', process.execPath, '-e', 'setInterval(() => {}, 1000)']);
    assert.equal(r.code, 0, r.stderr);
    const pids = [...r.stderr.matchAll(/started pid (\d+)/g)].map((m) => Number(m[1]));
    assert.equal(pids.length, 1);
    assert.ok(!isRunning(pids[0]!), 'the command was stopped');
    const actions = fs.readFileSync(audit, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { action: string }).action);
    assert.deepEqual(actions, ['start', 'stop']);
    assert.match(fs.readFileSync(report, 'utf8'), /## Operations/);
  });
});
