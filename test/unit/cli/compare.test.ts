import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../../src/cli/command';
import { COMMANDS } from '../../../src/cli/commands';
import { gaussian, mulberry32 } from '../analyze/synthetic';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err };
}

/** Per-second figures of a steady run around `cpu` % (AR(1) noise, as real seconds cluster). */
function series(seed: number, n: number, level: number, sd: number): number[] {
  const g = gaussian(mulberry32(seed));
  let x = 0;
  return Array.from({ length: n }, () => {
    x = 0.7 * x + g() * sd;
    return level + x;
  });
}

function report(dir: string, name: string, seed: number, cpu: number, commit: string): string {
  const file = path.join(dir, name);
  const samples = { cpuPercent: series(seed, 120, cpu, 3), messagesPerSecond: series(seed + 100, 120, 50, 2), latencyP95Ms: series(seed + 200, 120, 4, 0.3) };
  fs.writeFileSync(file, JSON.stringify({ schemaVersion: 1, run: { samples, summary: {}, commit, dirty: false } }));
  return file;
}

describe('chatroom-monitor compare', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-compare-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names a CPU regression with both commits and exits 1 over --fail-on-regression', async () => {
    const c = capture();
    const code = await runCli(COMMANDS, ['compare', report(dir, 'a.json', 1, 20, 'a'.repeat(40)), report(dir, 'b.json', 2, 30, 'b'.repeat(40)), '--fail-on-regression', '10%'], c.io);
    const text = c.out.join('');
    assert.equal(code, 1, text + c.err.join(''));
    assert.match(text, /base: aaaaaaaaaaaa/);
    assert.match(text, /head: bbbbbbbbbbbb/);
    assert.match(text, /Server CPU: .* — REGRESSION/);
    assert.match(text, /Messages: .* — no significant change/);
  });

  it('the same build twice: no significant change, exit 0; --json carries the figures', async () => {
    const c = capture();
    const code = await runCli(COMMANDS, ['compare', report(dir, 'c.json', 3, 20, 'c'.repeat(40)), report(dir, 'd.json', 4, 20, 'c'.repeat(40)), '--fail-on-regression', '10%', '--json'], c.io);
    assert.equal(code, 0);
    const json = JSON.parse(c.out.join('')) as { figures: { id: string; verdict: string }[]; failed: string[] };
    assert.deepEqual(json.failed, []);
    assert.deepEqual(
      json.figures.map((f) => [f.id, f.verdict]),
      [
        ['cpuPercent', 'noChange'],
        ['messagesPerSecond', 'noChange'],
        ['latencyP95Ms', 'noChange'],
      ],
    );
  });

  it('bad input is one sentence and exit 2', async () => {
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{"schemaVersion":1}');
    for (const [args, re] of [
      [['compare', bad], /give two JSON reports/],
      [['compare', bad, bad], /has no "run" block/],
      [['compare', path.join(dir, 'missing.json'), bad], /could not be read as JSON/],
      [['compare', bad, bad, '--fail-on-regression', 'lots'], /not a percentage/],
    ] as [string[], RegExp][]) {
      const c = capture();
      assert.equal(await runCli(COMMANDS, args, c.io), 2, args.join(' '));
      assert.match(c.err.join(''), re);
    }
  });
});
