import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { systemClock } from '../../../src/core/clock';
import { decodeStatus, decodeTraceResponse } from '../../../src/core/traces/otlpDecode';
import { TraceWatcher } from '../../../src/core/traces/traceWatcher';
import { fixtureBodies } from './helpers';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function post(port: number, path: string, body: Buffer, headers: Record<string, string>, method = 'POST'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers: { 'Content-Length': String(body.length), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const PB = { 'Content-Type': 'application/x-protobuf' };
const JSON_TYPE = { 'Content-Type': 'application/json' };

describe('OTLP/HTTP receiver', () => {
  let w: TraceWatcher;
  let port: number;

  beforeEach(async () => {
    w = new TraceWatcher({ clock: systemClock, port: 0, maxBodyBytes: 64 * 1024 });
    port = await w.start();
  });
  afterEach(() => w.dispose());

  it('takes the SDK\'s protobuf and JSON exports (plain and gzip) and answers 200 with an empty export response', async () => {
    const bodies = fixtureBodies().filter((b) => b.path === '/v1/traces' && /-(10|11)\./.test(b.file));
    for (const b of bodies) {
      const a = await post(port, '/v1/traces', b.body, { 'Content-Type': b.contentType });
      assert.equal(a.status, 200, b.file);
      if (b.contentType.includes('json')) {
        assert.equal(a.headers['content-type'], 'application/json');
        assert.deepEqual(JSON.parse(a.body.toString()), {});
      } else {
        assert.equal(a.headers['content-type'], 'application/x-protobuf');
        assert.equal(decodeTraceResponse(a.body), undefined);
      }
    }
    const gz = await post(port, '/v1/traces', zlib.gzipSync(bodies[0]!.body), { ...PB, 'Content-Encoding': 'gzip' });
    assert.equal(gz.status, 200);
    assert.equal(w.store.traceCount, 4, 'two traces per export, separate ids per run');
    assert.equal(w.receiver.counters.spans, 10, 'the gzip repeat of a batch is a duplicate');
  });

  it('partial success names the rejected spans; 400 for a bad body; 413 over the limit; 415, 404, 405, 403', async () => {
    const partial = {
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'zz', spanId: '01', name: 'x', startTimeUnixNano: '1', endTimeUnixNano: '2' }, { traceId: '0102030405060708090a0b0c0d0e0f10', spanId: '0102030405060708', name: 'ok', startTimeUnixNano: '1767225600000000000', endTimeUnixNano: '1767225600001000000' }] }] }],
    };
    const a = await post(port, '/v1/traces', Buffer.from(JSON.stringify(partial)), JSON_TYPE);
    assert.equal(a.status, 200);
    const body = JSON.parse(a.body.toString()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    assert.equal(body.partialSuccess.rejectedSpans, '1');
    assert.match(body.partialSuccess.errorMessage, /1 span rejected: a span without a valid 16-byte trace id/);

    const bad = await post(port, '/v1/traces', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]), PB);
    assert.equal(bad.status, 400);
    assert.equal(decodeStatus(bad.body).code, 3);
    assert.match(decodeStatus(bad.body).message, /Not an OTLP traces export request/);
    assert.equal((await post(port, '/v1/traces', Buffer.from('{'), JSON_TYPE)).status, 400);

    const big = await post(port, '/v1/traces', Buffer.alloc(65 * 1024, 1), PB);
    assert.equal(big.status, 413);
    assert.match(decodeStatus(big.body).message, /over 65536 bytes/);
    const bomb = await post(port, '/v1/traces', zlib.gzipSync(Buffer.alloc(1024 * 1024)), { ...PB, 'Content-Encoding': 'gzip' });
    assert.equal(bomb.status, 413, 'a small gzip body that inflates past the limit');

    assert.equal((await post(port, '/v1/traces', Buffer.from('x'), { 'Content-Type': 'text/plain' })).status, 415);
    assert.equal((await post(port, '/v1/metrics', Buffer.from(''), PB)).status, 404);
    assert.equal((await post(port, '/v1/traces', Buffer.from(''), PB, 'PUT')).status, 405);
    assert.equal((await post(port, '/v1/traces', Buffer.from(''), { ...PB, Host: 'evil.example:4318' })).status, 403);
    assert.equal(w.store.spanCount, 1);
  });

  it('answers 503 with Retry-After when more spans arrive than its per-second budget, then takes them again', async () => {
    w.dispose();
    w = new TraceWatcher({ clock: systemClock, port: 0, maxSpansPerSecond: 6 });
    port = await w.start();
    const body = fixtureBodies().find((b) => b.file === 'sdk-traces-10.pb')!.body; // 5 spans
    assert.equal((await post(port, '/v1/traces', body, PB)).status, 200);
    const busy = await post(port, '/v1/traces', body, PB);
    assert.equal(busy.status, 503);
    assert.equal(busy.headers['retry-after'], '1');
    assert.equal(decodeStatus(busy.body).code, 14);
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await post(port, '/v1/traces', fixtureBodies().find((b) => b.file === 'sdk-traces-11.json')!.body, JSON_TYPE)).status, 200);
  });

  it('logs go to its line stream; a taken port is a sentence', async () => {
    const lines: string[] = [];
    w.logLines.onLine((l) => lines.push(l.text));
    for (const b of fixtureBodies().filter((x) => x.path === '/v1/logs' && x.file.endsWith('.pb'))) assert.equal((await post(port, '/v1/logs', b.body, PB)).status, 200);
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, /"level":"error".*"err":\{"type":"TypeError"/);
    const other = new TraceWatcher({ clock: systemClock, port });
    await assert.rejects(other.start(), /Port \d+ on 127\.0\.0\.1 is already taken/);
    other.dispose();
  });
});
