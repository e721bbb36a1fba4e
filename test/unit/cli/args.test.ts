import assert from 'node:assert/strict';
import { parseDurationMs, parseReportArgs } from '../../../src/cli/args';

describe('CLI arguments', () => {
  it('parses the documented form', () => {
    const r = parseReportArgs(['--port', '8080', '--duration', '60s', '--json', '--fail-on', 'warning']);
    assert.ok(r.ok);
    assert.deepEqual(r.args, { port: 8080, durationMs: 60_000, intervalMs: 1000, json: true, quiet: false, failOn: 'warning' });
  });

  it('says what is wrong in one sentence', () => {
    const cases: [string[], RegExp][] = [
      [[], /Say which server to watch/],
      [['--port', '70000'], /--port must be a whole number from 1 to 65535/],
      [['--port', '80', '--duration', 'soon'], /--duration must be like 30s/],
      [['--port', '80', '--fail-on', 'info'], /--fail-on must be warning or critical/],
      [['--port', '80', '--colour'], /Unknown option --colour/],
      [['--port'], /--port needs a value/],
    ];
    for (const [argv, re] of cases) {
      const r = parseReportArgs(argv);
      assert.equal(r.ok, false, argv.join(' '));
      assert.match(r.ok ? '' : r.message, re);
    }
  });

  it('reads durations with units', () => {
    assert.equal(parseDurationMs('1500ms'), 1500);
    assert.equal(parseDurationMs('90'), 90_000);
    assert.equal(parseDurationMs('2m'), 120_000);
    assert.equal(parseDurationMs('1h'), 3_600_000);
    assert.equal(parseDurationMs('x'), undefined);
  });
});
