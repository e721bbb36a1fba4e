import assert from 'node:assert/strict';
import { Emitter } from '../../../src/core/events';
import { LogPipeline } from '../../../src/core/logs/logPipeline';
import { decodeLogs, decodeTraces, OtlpBodyError } from '../../../src/core/traces/otlpDecode';
import { SpanRecord } from '../../../src/core/traces/span';
import { otlpLogLines } from '../../../src/core/traces/traceWatcher';
import { fakeClock } from '../helpers/fakeClock';
import { fixtureBodies } from './helpers';

const BASE_MS = 1767225600 * 1000;

function decodeAll(files: RegExp): SpanRecord[] {
  const spans: SpanRecord[] = [];
  for (const b of fixtureBodies().filter((x) => files.test(x.file))) {
    const d = decodeTraces(b.body, b.contentType.includes('json') ? 'json' : 'protobuf');
    assert.equal(d.rejected, 0, b.file);
    spans.push(...d.spans);
  }
  return spans;
}

/** What does not depend on the random ids: name, kind, times, parent's name, status, attributes. */
function shape(spans: SpanRecord[]) {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  return spans
    .map((s) => ({
      name: s.name,
      kind: s.kind,
      category: s.category,
      service: s.service,
      startOffsetMs: Math.round((s.startMs - BASE_MS) * 1000) / 1000,
      durationMs: s.durationMs,
      parent: s.parentSpanId ? byId.get(s.parentSpanId)?.name : undefined,
      status: s.status,
      statusMessage: s.statusMessage,
      attributes: s.attributes,
    }))
    .sort((a, b) => a.startOffsetMs - b.startOffsetMs);
}

describe('OTLP decoding of the real SDK exporters\' bodies (recorded, replayed)', () => {
  it('protobuf bodies (one span per export) give the spans with exact durations, kinds, parents and attributes', () => {
    const spans = decodeAll(/^sdk-traces-[0-4]\.pb$/);
    const s = shape(spans);
    assert.deepEqual(
      s.map((x) => [x.name, x.kind, x.category, x.startOffsetMs, x.durationMs, x.parent ?? null, x.status]),
      [
        ['POST /messages', 'server', 'server', 0, 100, null, 'unset'],
        ['chat.handle', 'internal', 'internal', 5, 90, 'POST /messages', 'unset'],
        ['db.query INSERT messages', 'client', 'db', 10, 70, 'chat.handle', 'unset'],
        ['POST', 'client', 'client', 82, 10, 'chat.handle', 'unset'],
        ['GET /boom\u202E[x](command:evil)', 'server', 'server', 200, 20.5, null, 'error'],
      ],
    );
    assert.ok(spans.every((x) => x.service === 'chat-server' && /^[0-9a-f]{32}$/.test(x.traceId) && /^[0-9a-f]{16}$/.test(x.spanId)));
    assert.deepEqual(s[1]!.attributes, { 'code.filepath': 'examples/chat-server/server.js', 'code.lineno': 141, 'code.function': 'onChat' });
    assert.equal(s[4]!.statusMessage, 'database is locked');
    assert.equal(s[4]!.attributes['http.response.status_code'], 500);
  });

  it('JSON bodies decode to the same spans as protobuf ones, and batched bodies too', () => {
    const pb = shape(decodeAll(/^sdk-traces-[0-4]\.pb$/));
    assert.deepEqual(shape(decodeAll(/^sdk-traces-[5-9]\.json$/)), pb);
    assert.deepEqual(shape(decodeAll(/^sdk-traces-10\.pb$/)), pb);
    assert.deepEqual(shape(decodeAll(/^sdk-traces-11\.json$/)), pb);
  });

  it('a body that is not an export request is an OtlpBodyError; bad spans are counted as rejected, not fatal', () => {
    assert.throws(() => decodeTraces(Buffer.from('not json'), 'json'), OtlpBodyError);
    assert.throws(() => decodeTraces(Buffer.from('[1]'), 'json'), OtlpBodyError);
    assert.throws(() => decodeTraces(Buffer.from([0x0a, 0xff, 0xff, 0xff]), 'protobuf'), OtlpBodyError);
    const body = {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                { traceId: '00', spanId: '0102030405060708', name: 'bad id', startTimeUnixNano: '1', endTimeUnixNano: '2' },
                { traceId: '0102030405060708090a0b0c0d0e0f10', spanId: '0102030405060708', name: 'backwards', startTimeUnixNano: '5', endTimeUnixNano: '2' },
                { traceId: '0102030405060708090a0b0c0d0e0f10', spanId: '0102030405060709', name: 'ok', kind: 'SPAN_KIND_SERVER', startTimeUnixNano: '1767225600000000000', endTimeUnixNano: '1767225600001500000', status: { code: 'STATUS_CODE_ERROR' } },
              ],
            },
          ],
        },
      ],
    };
    const d = decodeTraces(Buffer.from(JSON.stringify(body)), 'json');
    assert.equal(d.rejected, 2);
    assert.match(d.rejectReason ?? '', /trace id/);
    assert.equal(d.spans.length, 1);
    assert.equal(d.spans[0]!.kind, 'server');
    assert.equal(d.spans[0]!.status, 'error');
    assert.equal(d.spans[0]!.durationMs, 1.5);
    assert.equal(d.spans[0]!.service, '');
  });

  it('log records from the SDK become JSON lines the log pipeline groups (exception.* as the error)', async () => {
    const clock = fakeClock();
    for (const files of [/^sdk-logs-1[23]\.pb$/, /^sdk-logs-1[45]\.json$/]) {
      const p = new LogPipeline({ clock });
      const stream = new Emitter<{ text: string; source: string; receivedMs: number }>();
      p.attach({ onLine: stream.event });
      for (const b of fixtureBodies().filter((x) => files.test(x.file))) {
        const d = decodeLogs(b.body, b.contentType.includes('json') ? 'json' : 'protobuf', clock.now());
        for (const r of d.records) for (const text of otlpLogLines(r)) stream.fire({ text, source: 'otlp', receivedMs: clock.now() });
      }
      await clock.tickAsync(200);
      p.flush();
      assert.equal(p.levelCounts.info, 1, String(files));
      assert.equal(p.levelCounts.error, 1);
      const g = p.groups.list();
      assert.equal(g.length, 1);
      assert.equal(g[0]!.type, 'TypeError');
      assert.equal(g[0]!.frames[0]?.file, '/app/chatRooms.js');
      assert.equal(p.kept.at(0).timeMs, BASE_MS + 300);
    }
  });
});
