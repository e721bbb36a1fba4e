import assert from 'node:assert/strict';
import { stripAnsi } from '../../../src/core/logs/ansi';
import { toLevel } from '../../../src/core/logs/levels';
import { parseLine } from '../../../src/core/logs/parseLine';

describe('log lines: formats', () => {
  it('reads pino lines: numeric level, epoch-ms time, msg, err with type and stack', () => {
    const p = parseLine('{"level":50,"time":1767225600000,"pid":1,"hostname":"h","err":{"type":"TypeError","message":"x is not a function","stack":"TypeError: x is not a function\\n    at f (/app/a.js:1:2)"},"msg":"handler failed"}');
    assert.equal(p.format, 'json');
    assert.equal(p.level, 'error');
    assert.equal(p.timeMs, 1767225600000);
    assert.equal(p.message, 'handler failed');
    assert.equal(p.error?.type, 'TypeError');
    assert.equal(p.error?.message, 'x is not a function');
    assert.match(p.error?.stack ?? '', /at f/);
  });

  it('reads bunyan (level 40, ISO time) and winston (level name, timestamp, top-level stack)', () => {
    const b = parseLine('{"name":"app","hostname":"h","pid":1,"level":40,"msg":"slow","time":"2026-01-01T00:00:00.000Z","v":0}');
    assert.equal(b.level, 'warn');
    assert.equal(b.timeMs, Date.UTC(2026, 0, 1));
    const w = parseLine('{"level":"error","message":"boom","stack":"Error: boom\\n    at g (/app/b.js:3:4)","timestamp":"2026-01-01T00:00:01.000Z"}');
    assert.equal(w.level, 'error');
    assert.equal(w.message, 'boom');
    assert.equal(w.error?.type, 'Error');
    assert.equal(w.timeMs, Date.UTC(2026, 0, 1, 0, 0, 1));
  });

  it('reads Python logging JSON (levelname, created seconds, exc_info traceback) and structlog (event, exception)', () => {
    const tb = 'Traceback (most recent call last):\n  File "/app/rooms.py", line 12, in join\n    rooms[name]\nKeyError: \'lobby\'';
    const py = parseLine(JSON.stringify({ levelname: 'ERROR', levelno: 40, created: 1767225600.5, message: 'join failed', exc_info: tb }));
    assert.equal(py.level, 'error');
    assert.equal(py.timeMs, 1767225600500);
    assert.equal(py.error?.type, 'KeyError');
    assert.equal(py.error?.message, "'lobby'");
    const crit = parseLine(JSON.stringify({ levelno: 50, message: 'dead' }));
    assert.equal(crit.level, 'fatal', 'Python levelno 50 is CRITICAL');
    const sl = parseLine(JSON.stringify({ event: 'user joined', level: 'warning', timestamp: '2026-01-01T00:00:00Z', exception: 'ValueError: bad room' }));
    assert.equal(sl.level, 'warn');
    assert.equal(sl.message, 'user joined');
    assert.equal(sl.error?.type, 'ValueError');
  });

  it('reads logfmt', () => {
    const p = parseLine('time=2026-01-01T00:00:00Z level=warn msg="room almost full" room=lobby users=99');
    assert.equal(p.format, 'logfmt');
    assert.equal(p.level, 'warn');
    assert.equal(p.message, 'room almost full');
    assert.equal(p.timeMs, Date.UTC(2026, 0, 1));
  });

  it('reads plain text with level words, and an uncaught error line', () => {
    assert.equal(parseLine('2026-01-01 10:00:00,123 WARNING rooms: queue is long').level, 'warn');
    assert.equal(parseLine('[error] cannot bind').level, 'error');
    assert.equal(parseLine('connected to db').level, undefined);
    assert.equal(parseLine('information about errors follows').level, undefined, 'a level word must stand alone');
    const e = parseLine('TypeError: Cannot read properties of undefined (reading \'name\')');
    assert.equal(e.level, 'error');
    assert.equal(e.error?.type, 'TypeError');
  });

  it('reads Common and Combined Log Format with and without a duration', () => {
    const clf = parseLine('127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326');
    assert.equal(clf.format, 'access');
    assert.deepEqual(clf.access, { status: 200, method: 'GET', path: '/apache_pb.gif' });
    assert.equal(clf.timeMs, Date.parse('2000-10-10T13:55:36-07:00'));
    const combined = parseLine('::1 - - [01/Jan/2026:00:00:00 +0000] "POST /send HTTP/1.1" 503 12 "-" "curl/8" 0.250');
    assert.equal(combined.access?.status, 503);
    assert.equal(combined.access?.durationMs, 250, 'a decimal without unit is nginx seconds');
    assert.equal(combined.level, 'error');
    const morgan = parseLine('::1 - - [01/Jan/2026:00:00:00 +0000] "GET / HTTP/1.1" 404 1 "-" "x" 12.5 ms');
    assert.equal(morgan.access?.durationMs, 12.5);
  });

  it('reads JSON access lines (pino-http)', () => {
    const p = parseLine('{"level":30,"time":1,"req":{"method":"GET","url":"/healthz"},"res":{"statusCode":200},"responseTime":3,"msg":"request completed"}');
    assert.deepEqual(p.access, { status: 200, method: 'GET', path: '/healthz', durationMs: 3 });
    assert.equal(parseLine('{"status":"ok"}').access, undefined);
  });

  it('strips ANSI colour and OSC hyperlinks', () => {
    assert.equal(stripAnsi('\u001b[31mERROR\u001b[39m \u001b]8;;http://x\u0007link\u001b]8;;\u0007 done'), 'ERROR link done');
    assert.equal(stripAnsi('plain'), 'plain');
  });

  it('maps level numbers and names onto one vocabulary', () => {
    assert.deepEqual([10, 20, 30, 40, 50, 60].map(toLevel), ['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
    assert.deepEqual(['WARNING', 'crit', 'verbose', 'nope'].map(toLevel), ['warn', 'fatal', 'debug', undefined]);
  });
});
