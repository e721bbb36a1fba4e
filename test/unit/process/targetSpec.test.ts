import assert from 'node:assert/strict';
import { describeProcess, parseTargetSpec } from '../../../src/core/process/targetSpec';

describe('parseTargetSpec', () => {
  it('prefers pid, then port, then commandPattern', () => {
    assert.deepEqual(parseTargetSpec({ pid: 42, port: 8080, commandPattern: 'x' }), { kind: 'pid', pid: 42 });
    assert.deepEqual(parseTargetSpec({ port: 8080, commandPattern: 'x' }), { kind: 'port', port: 8080 });
    const q = parseTargetSpec({ commandPattern: 'node .*server' });
    assert.ok('kind' in q && q.kind === 'pattern');
    assert.ok(q.pattern.test('node ./server.js'));
  });

  it('says an out-of-range port is out of range and names the setting', () => {
    assert.deepEqual(parseTargetSpec({ port: 70000 }), {
      ok: false,
      message: 'Port 70000 is out of range (chatroomMonitor.target.port): use 1–65535.',
      setting: 'chatroomMonitor.target.port',
    });
    const frac = parseTargetSpec({ port: 80.5 });
    assert.ok('ok' in frac && /not a whole number \(chatroomMonitor\.target\.port\)/.test(frac.message));
  });

  it('says an invalid pid is invalid and names the setting', () => {
    for (const pid of [0, -3, 1.5, Number.NaN]) {
      const r = parseTargetSpec({ pid });
      assert.ok('ok' in r, `pid ${pid}`);
      assert.equal(r.setting, 'chatroomMonitor.target.pid');
      assert.match(r.message, /is not a valid process id \(chatroomMonitor\.target\.pid\): use a whole number/);
    }
  });

  it('says an invalid regex is invalid, why, and names the setting', () => {
    const r = parseTargetSpec({ commandPattern: 'node (server' });
    assert.ok('ok' in r);
    assert.equal(r.setting, 'chatroomMonitor.target.commandPattern');
    assert.match(r.message, /^The command pattern "node \(server" is not a valid regular expression \(chatroomMonitor\.target\.commandPattern\): Unterminated group\./);
  });

  it('treats a blank pattern as unset and says what to configure', () => {
    const r = parseTargetSpec({ commandPattern: '  ' });
    assert.ok('ok' in r);
    assert.match(r.message, /^No process to watch is configured: set chatroomMonitor\.target\.port/);
  });
});

describe('describeProcess', () => {
  it('puts a multi-line command line on one short line', () => {
    assert.equal(describeProcess(7, 'node -e \nconst a = 1;\n  run()'), 'pid 7 (node -e const a = 1; run())');
    const long = describeProcess(7, 'x'.repeat(200));
    assert.equal(long, `pid 7 (${'x'.repeat(77)}…)`);
  });
});
