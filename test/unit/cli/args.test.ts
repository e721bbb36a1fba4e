import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkWritableFile } from '../../../src/cli/args';
import { commandHelp, runCli } from '../../../src/cli/command';
import { COMMANDS } from '../../../src/cli/commands';
import { parseReportArgs, reportCommand } from '../../../src/cli/report';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err };
}

describe('CLI arguments', () => {
  it('parses the documented form', () => {
    const r = parseReportArgs(['--port', '8080', '--duration', '60s', '--json', '--fail-on', 'warning']);
    assert.ok(r.ok);
    assert.deepEqual(r.args, { port: 8080, durationMs: 60_000, intervalMs: 1000, json: true, quiet: false, failOn: 'warning', logs: [] });
  });

  it('takes --log more than once, and logs alone are enough to watch', () => {
    const r = parseReportArgs(['--log', 'a.log', '--log=logs/*.log', '--duration', '2s']);
    assert.ok(r.ok);
    assert.deepEqual(r.args.logs, ['a.log', 'logs/*.log']);
  });

  it('says what is wrong in one sentence', () => {
    const cases: [string[], RegExp][] = [
      [[], /Say which server to watch/],
      [['--port', '70000'], /--port must be a whole number from 1 to 65535/],
      [['--port', '80', '--duration', 'soon'], /--duration must be like 30s/],
      [['--port', '80', '--fail-on', 'info'], /--fail-on must be warning or critical/],
      [['--port', '80', '--colour'], /Unknown option --colour/],
      [['--port'], /--port needs a value/],
      [['--port', '80', 'extra'], /Unexpected argument "extra"/],
      [['--port', '80', '--json=yes'], /--json takes no value/],
    ];
    for (const [argv, re] of cases) {
      const r = parseReportArgs(argv);
      assert.equal(r.ok, false, argv.join(' '));
      assert.match(r.ok ? '' : r.message, re);
    }
  });

  it('reads ports and other numbers strictly: hex, exponents and signs are refused', () => {
    for (const port of ['0x50', '8e1', '+80', '80.0', ' ', '-1']) {
      const r = parseReportArgs([`--port=${port}`]);
      assert.equal(r.ok, false, port);
      assert.match(r.ok ? '' : r.message, /--port must be a whole number from 1 to 65535/);
    }
    assert.equal(parseReportArgs(['--port=80']).ok, true);
  });

  it('reads durations with the grammar of alert rules and settings (1h30m, 90 seconds)', () => {
    const ms = (d: string) => {
      const r = parseReportArgs(['--port', '80', '--duration', d]);
      return r.ok ? r.args.durationMs : r.message;
    };
    assert.equal(ms('1500ms'), 1500);
    assert.equal(ms('90'), 90_000);
    assert.equal(ms('2m'), 120_000);
    assert.equal(ms('1h30m'), 5_400_000);
    assert.match(String(ms('25h')), /between 1s and 24h/);
  });

  it('checks --out before watching: a missing folder fails at once with exit 2', async () => {
    assert.match(checkWritableFile('--out', '/nonexistent/dir/r.md') ?? '', /--out: the folder \/nonexistent\/dir does not exist/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-out-'));
    assert.equal(checkWritableFile('--out', path.join(dir, 'r.md')), undefined);
    assert.match(checkWritableFile('--out', dir) ?? '', /is a folder/);
    fs.rmSync(dir, { recursive: true });
    const c = capture();
    const t0 = Date.now();
    const code = await runCli(COMMANDS, ['report', '--port', '1', '--duration', '1h', '--out', '/nonexistent/dir/r.md'], c.io);
    assert.equal(code, 2);
    assert.ok(Date.now() - t0 < 5000, 'did not watch first');
    assert.match(c.err.join(''), /--out: the folder/);
  });

  it('names the flag, not the setting, in sentences from the settings model', async () => {
    const c = capture();
    const code = await runCli(COMMANDS, ['report', '--port', '80', '--metrics-url', 'ftp://x/metrics', '--quiet'], c.io);
    assert.equal(code, 2);
    assert.match(c.err.join(''), /--metrics-url must start with http:\/\//);
    assert.doesNotMatch(c.err.join(''), /chatroomMonitor\./);
  });

  it('has --help for the program and for each subcommand, built from the option declarations', async () => {
    const c = capture();
    assert.equal(await runCli(COMMANDS, ['--help'], c.io), 0);
    assert.match(c.out.join(''), /Commands:\n {2}report +watch a running server/);
    for (const cmd of COMMANDS) {
      const h = capture();
      assert.equal(await runCli(COMMANDS, [cmd.name, '--help'], h.io), 0);
      assert.equal(h.out.join(''), commandHelp(cmd));
      for (const flag of Object.keys(cmd.options)) {
        assert.match(h.out.join(''), new RegExp(`--${flag}\\b`));
      }
    }
    assert.match(commandHelp(reportCommand), /^Usage: chatroom-monitor report \(--port N/);
    const u = capture();
    assert.equal(await runCli(COMMANDS, ['frobnicate'], u.io), 2);
    assert.match(u.err.join(''), /unknown command "frobnicate"/);
  });
});
