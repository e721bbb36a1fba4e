/**
 * The headless report is never healthier than its evidence: against a metrics
 * endpoint that hangs, answers 500 or answers garbage on every tick, `report --json
 * --fail-on warning` says so in its status and issues and exits 1, so a CI load test
 * against a broken endpoint fails. Real HTTP servers on loopback, the real CLI in a
 * child process watching this test process (it is the one listening on the port).
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const CLI = path.resolve(__dirname, '../../../src/cli/main.js');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runCli(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * A broken metrics endpoint in a process of its own: the monitor refuses to watch its
 * parent (the editor's own process), so the server cannot live in this test process.
 */
const SERVER = `
const http = require('node:http');
const mode = process.argv[1];
const server = http.createServer((req, res) => {
  if (mode === 'hang') return; // never answers
  if (mode === '500') { res.writeHead(500, { 'Content-Type': 'text/plain' }); res.end('internal error\\n'); return; }
  res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
  res.end('<<<\\u0000not metrics at all\\n{{{{\\n');
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

async function serve(mode: string): Promise<{ port: number; close(): void }> {
  const child = spawn(process.execPath, ['-e', SERVER, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the test server exited with ${code}`)));
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
  });
  return { port, close: () => child.kill() };
}

const ENDPOINTS = { hang: 'hang', 'HTTP 500': '500', garbage: 'garbage' } as const;

describe('report against a broken metrics endpoint (real servers, real CLI)', function () {
  this.timeout(60_000);

  // The three runs go at once: each watches for 3 s, and the machine is shared.
  const runs = new Map<string, Promise<{ port: number; run: Run }>>();
  before(() => {
    for (const mode of Object.values(ENDPOINTS)) {
      runs.set(
        mode,
        serve(mode).then(async (server) => {
          try {
            const run = await runCli(['report', '--port', String(server.port), '--duration', '3s', '--interval', '250', '--json', '--fail-on', 'warning', '--quiet']);
            return { port: server.port, run };
          } finally {
            server.close();
          }
        }),
      );
    }
  });

  for (const [name, mode] of Object.entries(ENDPOINTS)) {
    it(`${name} on every tick: not healthy, a data-quality issue, --fail-on warning exits 1`, async () => {
      const { port, run } = await runs.get(mode)!;
      assert.equal(run.code, 1, `exit code; stderr: ${run.stderr}`);
      const report = JSON.parse(run.stdout) as { analysis: { status: string; issues: { id: string; category: string; severity: string; evidence: { label: string; value: string }[] }[] } };
      assert.notEqual(report.analysis.status, 'healthy');
      const issue = report.analysis.issues.find((i) => i.id === 'scrape-failing');
      assert.ok(issue, `issues: ${report.analysis.issues.map((i) => i.id).join(', ')}`);
      assert.equal(issue.category, 'data');
      assert.equal(issue.severity, 'warning');
      assert.ok(issue.evidence.some((e) => e.label === 'Last failure' && e.value.includes(`127.0.0.1:${port}`)), JSON.stringify(issue.evidence));
    });
  }
});
