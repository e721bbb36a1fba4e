/**
 * OTLP export requests in, spans and log records out. Protobuf bodies are decoded by
 * protobufjs from the OTLP definitions (otlpSchema.ts); JSON bodies by JSON.parse.
 * Both give the same message shape (OTLP/JSON is the protobuf JSON mapping), except
 * that ids are bytes vs hex strings and 64-bit integers are Long vs decimal strings,
 * so one normaliser serves both encodings.
 */
import * as protobuf from 'protobufjs/light';
import { OTLP_DESCRIPTOR } from './otlpSchema';
import { AttributeValue, estimateSpanBytes, SPAN_KINDS, SPAN_LIMITS, spanCategory, SpanKind, SpanRecord, StatusCode } from './span';

export type OtlpEncoding = 'protobuf' | 'json';

/** A body that is not an OTLP export request at all: the receiver answers 400. */
export class OtlpBodyError extends Error {}

const root = protobuf.Root.fromJSON(OTLP_DESCRIPTOR);
const T = {
  traceRequest: root.lookupType('otlp.ExportTraceServiceRequest'),
  traceResponse: root.lookupType('otlp.ExportTraceServiceResponse'),
  logsRequest: root.lookupType('otlp.ExportLogsServiceRequest'),
  logsResponse: root.lookupType('otlp.ExportLogsServiceResponse'),
  status: root.lookupType('otlp.RpcStatus'),
};

/** protobufjs' Long (fixed64/int64 when long.js is there). */
interface LongLike {
  readonly low: number;
  readonly high: number;
}
type Int64 = LongLike | string | number | null | undefined;
type Bytes = Uint8Array | string | null | undefined;

interface WireKeyValue {
  key?: string;
  value?: WireAnyValue | null;
}
interface WireAnyValue {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: Int64;
  doubleValue?: number | string | null;
  arrayValue?: { values?: WireAnyValue[] | null } | null;
  kvlistValue?: { values?: WireKeyValue[] | null } | null;
  bytesValue?: Bytes;
}
interface WireSpan {
  traceId?: Bytes;
  spanId?: Bytes;
  parentSpanId?: Bytes;
  name?: string;
  kind?: number | string;
  startTimeUnixNano?: Int64;
  endTimeUnixNano?: Int64;
  attributes?: WireKeyValue[] | null;
  status?: { code?: number | string; message?: string } | null;
}
interface WireResource {
  attributes?: WireKeyValue[] | null;
}
interface WireTraceRequest {
  resourceSpans?: { resource?: WireResource | null; scopeSpans?: { spans?: WireSpan[] | null }[] | null }[] | null;
}
interface WireLogRecord {
  timeUnixNano?: Int64;
  observedTimeUnixNano?: Int64;
  severityNumber?: number | string;
  severityText?: string;
  body?: WireAnyValue | null;
  attributes?: WireKeyValue[] | null;
  traceId?: Bytes;
  spanId?: Bytes;
  eventName?: string;
}
interface WireLogsRequest {
  resourceLogs?: { resource?: WireResource | null; scopeLogs?: { logRecords?: WireLogRecord[] | null }[] | null }[] | null;
}

export interface DecodedSpans {
  readonly spans: SpanRecord[];
  /** Spans left out (bad ids or times): the partial-success count. */
  readonly rejected: number;
  /** Why, for the partial-success error message (first reason). */
  readonly rejectReason?: string;
}

/** One OTLP log record, ready for the log pipeline. */
export interface OtlpLogRecord {
  readonly timeMs: number;
  readonly severityNumber: number;
  readonly severityText: string;
  readonly body: string;
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

export interface DecodedLogs {
  readonly records: OtlpLogRecord[];
  readonly rejected: number;
  readonly rejectReason?: string;
}

function parseBody<W>(body: Uint8Array, encoding: OtlpEncoding, type: protobuf.Type): W {
  if (encoding === 'json') {
    let v: unknown;
    try {
      v = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
    } catch (e) {
      throw new OtlpBodyError(`the body is not JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new OtlpBodyError('the JSON body is not an object');
    return v as W;
  }
  try {
    return type.decode(body) as unknown as W;
  } catch (e) {
    throw new OtlpBodyError(`the body is not an OTLP protobuf message (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Decodes an ExportTraceServiceRequest (throws OtlpBodyError for a body that is not one). */
export function decodeTraces(body: Uint8Array, encoding: OtlpEncoding): DecodedSpans {
  const req = parseBody<WireTraceRequest>(body, encoding, T.traceRequest);
  const spans: SpanRecord[] = [];
  let rejected = 0;
  let rejectReason: string | undefined;
  for (const rs of asArray(req.resourceSpans)) {
    const service = serviceName(rs?.resource);
    for (const ss of asArray(rs?.scopeSpans)) {
      for (const w of asArray(ss?.spans)) {
        const r = toSpan(w, service);
        if (typeof r === 'string') {
          rejected++;
          rejectReason ??= r;
        } else {
          spans.push(r);
        }
      }
    }
  }
  return { spans, rejected, ...(rejectReason ? { rejectReason } : {}) };
}

/** Decodes an ExportLogsServiceRequest. */
export function decodeLogs(body: Uint8Array, encoding: OtlpEncoding, nowMs: number): DecodedLogs {
  const req = parseBody<WireLogsRequest>(body, encoding, T.logsRequest);
  const records: OtlpLogRecord[] = [];
  for (const rl of asArray(req.resourceLogs)) {
    const service = serviceName(rl?.resource);
    for (const sl of asArray(rl?.scopeLogs)) {
      for (const w of asArray(sl?.logRecords)) {
        if (!w) continue;
        const t = nanosToMs(w.timeUnixNano) || nanosToMs(w.observedTimeUnixNano) || nowMs;
        records.push({
          timeMs: t,
          severityNumber: Number(w.severityNumber ?? 0) || 0,
          severityText: typeof w.severityText === 'string' ? w.severityText : '',
          body: anyToText(w.body),
          service,
          traceId: hexId(w.traceId),
          spanId: hexId(w.spanId),
          attributes: attributesOf(w.attributes),
        });
      }
    }
  }
  return { records, rejected: 0 };
}

/** The success (or partial-success) answer, in the request's encoding. */
export function encodeExportResponse(signal: 'traces' | 'logs', encoding: OtlpEncoding, rejected: number, message: string | undefined): { body: Buffer; contentType: string } {
  const partial = rejected > 0 || message ? (signal === 'traces' ? { rejectedSpans: rejected, errorMessage: message ?? '' } : { rejectedLogRecords: rejected, errorMessage: message ?? '' }) : undefined;
  const msg = partial ? { partialSuccess: partial } : {};
  if (encoding === 'json') {
    // int64 is a decimal string in OTLP/JSON.
    const json = partial ? { partialSuccess: { ...partial, ...(signal === 'traces' ? { rejectedSpans: String(rejected) } : { rejectedLogRecords: String(rejected) }) } } : {};
    return { body: Buffer.from(JSON.stringify(json)), contentType: 'application/json' };
  }
  const type = signal === 'traces' ? T.traceResponse : T.logsResponse;
  return { body: Buffer.from(type.encode(type.fromObject(msg)).finish()), contentType: 'application/x-protobuf' };
}

/** An error answer's body: google.rpc.Status in the request's encoding. */
export function encodeStatus(encoding: OtlpEncoding, code: number, message: string): { body: Buffer; contentType: string } {
  if (encoding === 'json') return { body: Buffer.from(JSON.stringify({ code, message })), contentType: 'application/json' };
  return { body: Buffer.from(T.status.encode(T.status.fromObject({ code, message })).finish()), contentType: 'application/x-protobuf' };
}

/** Decodes a Status body (tests; an SDK reads it the same way). */
export function decodeStatus(body: Uint8Array): { code: number; message: string } {
  const s = T.status.decode(body) as unknown as { code?: number; message?: string };
  return { code: s.code ?? 0, message: s.message ?? '' };
}

/** Decodes a trace export response (tests). */
export function decodeTraceResponse(body: Uint8Array): { rejectedSpans: number; errorMessage: string } | undefined {
  const r = T.traceResponse.decode(body) as unknown as { partialSuccess?: { rejectedSpans?: Int64; errorMessage?: string } };
  if (!r.partialSuccess) return undefined;
  return { rejectedSpans: int64ToNumber(r.partialSuccess.rejectedSpans), errorMessage: r.partialSuccess.errorMessage ?? '' };
}

function toSpan(w: WireSpan | null | undefined, service: string): SpanRecord | string {
  if (!w) return 'an empty span';
  const traceId = hexId(w.traceId);
  const spanId = hexId(w.spanId);
  if (traceId.length !== 32 || /^0+$/.test(traceId)) return 'a span without a valid 16-byte trace id';
  if (spanId.length !== 16 || /^0+$/.test(spanId)) return 'a span without a valid 8-byte span id';
  const startMs = nanosToMs(w.startTimeUnixNano);
  if (!(startMs > 0)) return 'a span without a start time';
  const durationNs = nanosDiff(w.endTimeUnixNano, w.startTimeUnixNano);
  if (!(durationNs >= 0)) return 'a span that ends before it starts';
  const parent = hexId(w.parentSpanId);
  const kind = kindOf(w.kind);
  const attributes = attributesOf(w.attributes);
  const name = cut(typeof w.name === 'string' ? w.name : '', SPAN_LIMITS.nameChars);
  const status = statusOf(w.status?.code);
  const statusMessage = cut(typeof w.status?.message === 'string' ? w.status.message : '', SPAN_LIMITS.valueChars);
  return {
    traceId,
    spanId,
    parentSpanId: /^0*$/.test(parent) ? '' : parent,
    name,
    kind,
    category: spanCategory(kind, attributes),
    service,
    startMs,
    durationMs: durationNs / 1e6,
    status,
    statusMessage,
    attributes,
    bytes: estimateSpanBytes(name, service, statusMessage, attributes),
  };
}

const STATUS_BY_NAME: Record<string, StatusCode> = { STATUS_CODE_UNSET: 'unset', STATUS_CODE_OK: 'ok', STATUS_CODE_ERROR: 'error' };

function statusOf(code: number | string | undefined): StatusCode {
  if (typeof code === 'string') return STATUS_BY_NAME[code] ?? (code === '2' ? 'error' : code === '1' ? 'ok' : 'unset');
  return code === 2 ? 'error' : code === 1 ? 'ok' : 'unset';
}

function kindOf(k: number | string | undefined): SpanKind {
  if (typeof k === 'string') {
    // The JSON mapping allows enum names too (SPAN_KIND_SERVER).
    const name = k.replace(/^SPAN_KIND_/, '').toLowerCase();
    if ((SPAN_KINDS as readonly string[]).includes(name)) return name as SpanKind;
    const n = Number(k);
    return SPAN_KINDS[n] ?? 'unspecified';
  }
  return SPAN_KINDS[k ?? 0] ?? 'unspecified';
}

function serviceName(resource: WireResource | null | undefined): string {
  for (const kv of asArray(resource?.attributes)) {
    if (kv?.key === 'service.name') return cut(anyToText(kv.value), SPAN_LIMITS.nameChars);
  }
  return '';
}

function attributesOf(list: WireKeyValue[] | null | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  let n = 0;
  for (const kv of asArray(list)) {
    if (!kv || typeof kv.key !== 'string') continue;
    if (n++ >= SPAN_LIMITS.attributes) break;
    out[cut(kv.key, 256)] = scalarOf(kv.value);
  }
  return out;
}

type AnyKey = 'stringValue' | 'boolValue' | 'intValue' | 'doubleValue' | 'arrayValue' | 'kvlistValue' | 'bytesValue';
const ANY_KEYS: readonly AnyKey[] = ['stringValue', 'intValue', 'boolValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'];
const own = Object.prototype.hasOwnProperty;

/** Which member of the AnyValue oneof is set (protobufjs keeps every default on the prototype, so an own property is the one). */
function anyKey(v: WireAnyValue): AnyKey | undefined {
  for (const k of ANY_KEYS) if (own.call(v, k) && v[k] !== null && v[k] !== undefined) return k;
  return undefined;
}

function scalarOf(v: WireAnyValue | null | undefined): AttributeValue {
  if (!v) return '';
  switch (anyKey(v)) {
    case 'stringValue':
      return cut(String(v.stringValue), SPAN_LIMITS.valueChars);
    case 'boolValue':
      return v.boolValue === true;
    case 'intValue':
      return int64ToNumber(v.intValue);
    case 'doubleValue':
      return Number(v.doubleValue);
    default:
      return cut(anyToText(v), SPAN_LIMITS.valueChars);
  }
}

/** Any value as text: arrays and maps as JSON-like text, bytes as hex. */
function anyToText(v: WireAnyValue | null | undefined, depth = 0): string {
  if (!v) return '';
  switch (anyKey(v)) {
    case 'stringValue':
      return String(v.stringValue);
    case 'boolValue':
      return String(v.boolValue === true);
    case 'intValue':
      return String(int64ToNumber(v.intValue));
    case 'doubleValue':
      return String(Number(v.doubleValue));
    case 'arrayValue':
      return depth > 4 ? '…' : '[' + asArray(v.arrayValue?.values).map((x) => anyToText(x, depth + 1)).join(', ') + ']';
    case 'kvlistValue':
      return depth > 4 ? '…' : '{' + asArray(v.kvlistValue?.values).map((kv) => `${kv?.key ?? ''}: ${anyToText(kv?.value, depth + 1)}`).join(', ') + '}';
    case 'bytesValue':
      return hexId(v.bytesValue);
    default:
      return '';
  }
}

function hexId(b: Bytes | readonly number[]): string {
  if (!b || b.length === 0) return '';
  if (typeof b === 'string') {
    // OTLP/JSON ids are hex; a base64 id (the plain protobuf JSON mapping) is accepted too.
    if (/^[0-9a-fA-F]*$/.test(b)) return b.toLowerCase();
    return Buffer.from(b, 'base64').toString('hex');
  }
  // protobufjs gives a Buffer (Node), a Uint8Array, or a plain empty array for an unset field.
  return (b instanceof Uint8Array ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : Buffer.from(b)).toString('hex');
}

function isLong(v: unknown): v is LongLike {
  return typeof v === 'object' && v !== null && typeof (v as LongLike).low === 'number' && typeof (v as LongLike).high === 'number';
}

const TWO_32 = 4294967296;

/** Epoch ns (Long, decimal string or number) → epoch ms; 0 when absent. */
export function nanosToMs(v: Int64): number {
  if (v === undefined || v === null) return 0;
  if (isLong(v)) return ((v.high >>> 0) * TWO_32) / 1e6 + (v.low >>> 0) / 1e6;
  if (typeof v === 'string') {
    if (!/^\d+$/.test(v)) return Number.NaN;
    // Split so the ms keep their fraction: 1.7e18 ns is beyond a double's integers.
    const cutAt = Math.max(0, v.length - 6);
    return Number(v.slice(0, cutAt) || '0') + Number(v.slice(cutAt)) / 1e6;
  }
  return v / 1e6;
}

/** end − start in ns, exact (the durations the store and the percentiles use). */
function nanosDiff(end: Int64, start: Int64): number {
  if (isLong(end) && isLong(start)) return ((end.high >>> 0) - (start.high >>> 0)) * TWO_32 + ((end.low >>> 0) - (start.low >>> 0));
  if (typeof end === 'string' && typeof start === 'string' && /^\d+$/.test(end) && /^\d+$/.test(start)) return Number(BigInt(end) - BigInt(start));
  const e = isLong(end) ? (end.high >>> 0) * TWO_32 + (end.low >>> 0) : Number(end ?? Number.NaN);
  const s = isLong(start) ? (start.high >>> 0) * TWO_32 + (start.low >>> 0) : Number(start ?? Number.NaN);
  return e - s;
}

function int64ToNumber(v: Int64): number {
  if (v === undefined || v === null) return 0;
  if (isLong(v)) return v.high * TWO_32 + (v.low >>> 0);
  return Number(v);
}

function asArray<X>(v: X[] | null | undefined): X[] {
  return Array.isArray(v) ? v : [];
}

function cut(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}
