import assert from 'node:assert/strict';
import { checkSameUser, expectedInspectorPort, looksLikeNode } from '../../../src/core/profile/inspector';
import { parseProfileArgs } from '../../../src/cli/profile';
import { profileFileName, visible, where } from '../../../src/core/profile/profileOutput';

describe('inspector: which port, whose process', () => {
  it('knows the port Node opens on SIGUSR1: 9229, or what --inspect-port / --inspect / NODE_OPTIONS say', () => {
    assert.equal(expectedInspectorPort(['node', 'server.js']), 9229);
    assert.equal(expectedInspectorPort(['node', '--inspect-port=9333', 'server.js']), 9333);
    assert.equal(expectedInspectorPort(['node', '--inspect=127.0.0.1:0', 'server.js']), 0);
    assert.equal(expectedInspectorPort(['node', '--inspect-brk=[::1]:9400', 'server.js']), 9400);
    assert.equal(expectedInspectorPort(['node', 'server.js'], '--inspect-port=9230 --max-old-space-size=100'), 9230);
    // A flag after the script belongs to the script, not to Node.
    assert.equal(expectedInspectorPort(['node', 'server.js', '--inspect-port=1']), 9229);
  });

  it('refuses another user\'s process', () => {
    const facts = { pid: 42, uid: 1000, catchesSigusr1: true, commandLine: ['node'], executable: 'node' };
    assert.throws(() => checkSameUser(facts, 1001), /Process 42 belongs to another user \(uid 1000\); only your own processes can be profiled\./);
    assert.doesNotThrow(() => checkSameUser(facts, 1000));
  });

  it('tells Node from other executables', () => {
    assert.ok(looksLikeNode({ executable: 'node', commandLine: [] }));
    assert.ok(!looksLikeNode({ executable: 'python3.11', commandLine: ['python3', 'server.py'] }));
  });
});

describe('profile output and arguments', () => {
  it('names files by kind, pid and time; shows control characters; prints natives without a line', () => {
    assert.equal(profileFileName({ kind: 'cpu', pid: 7, startedAtMs: Date.UTC(2026, 10, 29, 14, 2, 3, 456) }), 'cpu-7-20261129T140203Z.cpuprofile');
    assert.equal(profileFileName({ kind: 'heap', pid: 7, startedAtMs: 0 }), 'heap-7-19700101T000000Z.heapprofile');
    assert.equal(visible('a\nb\u202e'), 'a⏎b⟨U+202E⟩');
    assert.equal(where({ file: '(native)', line: 135 }), '(native)');
    assert.equal(where({ file: 'src/a.js', line: 3 }), 'src/a.js:3');
  });

  it('parses `profile` arguments and says what is wrong in one sentence', () => {
    const r = parseProfileArgs(['--pid', '12', '--duration', '5s', '--heap', '--out', 'x.heapprofile', '--json']);
    assert.deepEqual(r, { ok: true, args: { pid: 12, durationMs: 5000, heap: true, out: 'x.heapprofile', json: true, quiet: false } });
    assert.deepEqual(parseProfileArgs(['--port', '8080', '--out', 'a']), { ok: true, args: { port: 8080, durationMs: 10_000, heap: false, out: 'a', json: false, quiet: false } });
    const cases: [string[], RegExp][] = [
      [['--out', 'a'], /^Say which server to profile: --port N or --pid N \(one of them\)\.$/],
      [['--pid', '1', '--port', '2', '--out', 'a'], /one of them/],
      [['--pid', '1'], /^Say where to write the profile: --out FILE\.$/],
      [['--pid', '1', '--out', 'a', '--duration', '2m'], /^--duration must be like 30s, 5m or 1h30m \(between 1s and 60s\), not "2m"\.$/],
      [['--pid', 'x', '--out', 'a'], /--pid must be a whole number/],
      [['--pid', '1', '--out', 'a', '--colour'], /--colour/],
    ];
    for (const [argv, re] of cases) {
      const p = parseProfileArgs(argv);
      assert.equal(p.ok, false, argv.join(' '));
      assert.match(p.ok ? '' : p.message, re);
    }
  });
});
