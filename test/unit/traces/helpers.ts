import fs from 'node:fs';
import path from 'node:path';
import { AttributeValue, estimateSpanBytes, spanCategory, SpanKind, SpanRecord, StatusCode } from '../../../src/core/traces/span';

// out/test/unit/traces → the repository's test/unit/traces/fixtures
export const FIXTURES = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'unit', 'traces', 'fixtures');

export interface FixtureBody {
  readonly file: string;
  readonly path: string;
  readonly contentType: string;
  readonly body: Buffer;
}

/** The bodies the real SDK exporters sent (scripts/record-otlp.mjs), in the order sent. */
export function fixtureBodies(): FixtureBody[] {
  const m = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'manifest.json'), 'utf8')) as { bodies: { file: string; path: string; contentType: string }[] };
  return m.bodies.map((b) => ({ ...b, body: fs.readFileSync(path.join(FIXTURES, b.file)) }));
}

let nextId = 1;

/** A span with known times (tests): ids from a counter unless given. */
export function span(o: {
  traceId: string;
  spanId?: string;
  parent?: string;
  name: string;
  kind?: SpanKind;
  service?: string;
  startMs: number;
  durationMs: number;
  status?: StatusCode;
  attributes?: Record<string, AttributeValue>;
}): SpanRecord {
  const attributes = o.attributes ?? {};
  const kind = o.kind ?? 'internal';
  const service = o.service ?? 'chat-server';
  return {
    traceId: o.traceId.padStart(32, '0'),
    spanId: (o.spanId ?? (nextId++).toString(16)).padStart(16, '0'),
    parentSpanId: o.parent ? o.parent.padStart(16, '0') : '',
    name: o.name,
    kind,
    category: spanCategory(kind, attributes),
    service,
    startMs: o.startMs,
    durationMs: o.durationMs,
    status: o.status ?? 'unset',
    statusMessage: '',
    attributes,
    bytes: estimateSpanBytes(o.name, service, '', attributes),
  };
}

/**
 * One chat-message trace like the example server's: the server span, the database
 * insert taking `dbMs`, the moderation call taking `callMs`, 1 ms of own code each side.
 */
export function chatTrace(traceId: string, t0: number, dbMs: number, callMs = 1, status: StatusCode = 'unset'): SpanRecord[] {
  const root = span({ traceId, spanId: `${traceId}1`, name: 'POST /messages', kind: 'server', startMs: t0, durationMs: 1 + dbMs + callMs + 1, status });
  return [
    span({ traceId, spanId: `${traceId}2`, parent: root.spanId, name: 'db.query INSERT messages', kind: 'client', startMs: t0 + 1, durationMs: dbMs, attributes: { 'db.system': 'sqlite' } }),
    span({ traceId, spanId: `${traceId}3`, parent: root.spanId, name: 'POST', kind: 'client', startMs: t0 + 1 + dbMs, durationMs: callMs }),
    root,
  ];
}
