import assert from 'node:assert/strict';
import { EventAssembler } from '../../../src/core/logs/eventAssembler';
import { fingerprint, normaliseMessage, topAppFrames } from '../../../src/core/logs/fingerprint';
import { parseStackFrames, stackHeadline } from '../../../src/core/logs/stackFrames';

function assemble(lines: string[]): string[] {
  const out: string[] = [];
  const a = new EventAssembler((t) => out.push(t));
  lines.forEach((l) => a.push(l));
  a.flush();
  return out;
}

const NODE_TRACE = [
  "TypeError: Cannot read properties of undefined (reading 'name')",
  '    at renderUser (/app/src/rooms.js:42:17)',
  '    at Array.map (<anonymous>)',
  '    at handleJoin (file:///app/src/handlers.js:10:5)',
  '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
  '    at async Server.<anonymous> (/app/node_modules/ws/lib/x.js:1:1)',
];

const PY_TRACE = [
  'Traceback (most recent call last):',
  '  File "/app/server.py", line 80, in handle',
  '    await join(room)',
  '  File "/app/rooms.py", line 12, in join',
  '    return rooms[name]',
  '           ~~~~~^^^^^^',
  "KeyError: 'lobby'",
];

describe('log lines: multi-line stack traces', () => {
  it('groups a Node error and its frames into one event, between single lines', () => {
    const events = assemble(['starting', ...NODE_TRACE, 'next line', '{"level":30,"msg":"json"}']);
    assert.equal(events.length, 4);
    assert.equal(events[1], NODE_TRACE.join('\n'));
    assert.equal(events[2], 'next line');
  });

  it('groups a Python traceback ending at its final line, and one after a logger line', () => {
    const events = assemble(['ERROR:root:join failed', ...PY_TRACE, 'after']);
    assert.deepEqual(events, [['ERROR:root:join failed', ...PY_TRACE].join('\n'), 'after']);
  });

  it('keeps Node [cause] blocks with their error', () => {
    const events = assemble(['Error: outer', '    at a (/app/a.js:1:1)', '  [cause]: Error: inner', '      at b (/app/b.js:2:2)', 'done']);
    assert.equal(events.length, 2);
  });

  it('reads V8 and Python frames, innermost first', () => {
    const v8 = parseStackFrames(NODE_TRACE.join('\n'));
    assert.deepEqual(v8[0], { file: '/app/src/rooms.js', line: 42, column: 17, fn: 'renderUser' });
    assert.ok(!v8.some((f) => f.file === '<anonymous>'), 'a frame without a position has no place to point at');
    assert.ok(v8.some((f) => f.file === 'file:///app/src/handlers.js' && f.line === 10));
    const py = parseStackFrames(PY_TRACE.join('\n'));
    assert.deepEqual(py.map((f) => `${f.file}:${f.line}`), ['/app/rooms.py:12', '/app/server.py:80']);
    assert.deepEqual(stackHeadline(PY_TRACE.join('\n')), { type: 'KeyError', message: "'lobby'" });
  });
});

describe('error fingerprints', () => {
  const frames = parseStackFrames(NODE_TRACE.join('\n'));

  it('keeps only the application frames (no node:internal, <anonymous>, node_modules)', () => {
    assert.deepEqual(topAppFrames(frames).map((f) => f.file), ['/app/src/rooms.js', 'file:///app/src/handlers.js']);
  });

  it('normalises numbers, ids and times but keeps quoted words', () => {
    assert.equal(normaliseMessage('user 42 not found in room 7f3a9b2c4d5e6f70 at 2026-01-01T00:00:00Z'), 'user <n> not found in room <hex> at <time>');
    assert.notEqual(normaliseMessage("reading 'name'"), normaliseMessage("reading 'id'"));
  });

  it('gives the same id to the same error with other numbers or lines, and another to another type or place', () => {
    const a = fingerprint('TypeError', 'user 1 missing', frames);
    assert.equal(fingerprint('TypeError', 'user 2 missing', frames), a);
    const moved = frames.map((f) => ({ ...f, line: f.line + 3 }));
    assert.equal(fingerprint('TypeError', 'user 1 missing', moved), a, 'an edit above the throw keeps the group');
    assert.notEqual(fingerprint('RangeError', 'user 1 missing', frames), a);
    assert.notEqual(fingerprint('TypeError', 'user 1 missing', frames.slice(1)), a);
    assert.match(a, /^[0-9a-f]{12}$/);
  });
});
