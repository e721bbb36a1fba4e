/**
 * One span as the monitor keeps it: ids as hex, times in epoch ms, the attributes
 * flattened to scalars and bounded, and the resource's service name. Everything in
 * it came from the watched side: names and attribute values are shown through the
 * inert-text module on every surface.
 */

/** OTLP's SpanKind, by name. */
export const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
export type SpanKind = (typeof SPAN_KINDS)[number];

/**
 * What a span's time is spent on, for colours and "where the time went": a database
 * call, an outbound call to another service, messaging, the server's own handling
 * of a request, or internal work.
 */
export const SPAN_CATEGORIES = ['server', 'db', 'client', 'messaging', 'internal'] as const;
export type SpanCategory = (typeof SPAN_CATEGORIES)[number];

export type StatusCode = 'unset' | 'ok' | 'error';

export type AttributeValue = string | number | boolean;

export interface SpanRecord {
  readonly traceId: string;
  readonly spanId: string;
  /** '' for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  readonly kind: SpanKind;
  readonly category: SpanCategory;
  /** The resource's `service.name` ('' when the SDK sent none). */
  readonly service: string;
  /** Start, epoch ms (sub-ms precision). */
  readonly startMs: number;
  /** End minus start, from the nanosecond times (exact to the ns). */
  readonly durationMs: number;
  readonly status: StatusCode;
  readonly statusMessage: string;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** Approximate bytes the span holds in memory (the store's byte budget counts it). */
  readonly bytes: number;
}

/** Bounds on what one span may bring in (a span is data from the watched side). */
export const SPAN_LIMITS = {
  attributes: 48,
  valueChars: 1024,
  nameChars: 512,
} as const;

/** The category from the kind and the semantic-convention attributes. */
export function spanCategory(kind: SpanKind, attributes: Readonly<Record<string, AttributeValue>>): SpanCategory {
  if (attributes['db.system'] !== undefined || attributes['db.system.name'] !== undefined) return 'db';
  if (attributes['messaging.system'] !== undefined || kind === 'producer' || kind === 'consumer') return 'messaging';
  if (kind === 'client') return 'client';
  if (kind === 'server') return 'server';
  return 'internal';
}

/** Where in the source the span was made, when the SDK said (`code.filepath`/`code.file.path`, `code.lineno`/`code.line.number`, `code.function`). */
export function spanCodeLocation(attributes: Readonly<Record<string, AttributeValue>>): { file?: string; line?: number; function?: string } | undefined {
  const file = attributes['code.file.path'] ?? attributes['code.filepath'];
  const line = attributes['code.line.number'] ?? attributes['code.lineno'];
  const fn = attributes['code.function.name'] ?? attributes['code.function'];
  if (file === undefined && fn === undefined) return undefined;
  return {
    ...(typeof file === 'string' ? { file } : {}),
    ...(typeof line === 'number' && Number.isFinite(line) ? { line } : typeof line === 'string' && /^\d+$/.test(line) ? { line: Number(line) } : {}),
    ...(typeof fn === 'string' ? { function: fn } : {}),
  };
}

/** Rough memory of a span: the object, its strings (2 bytes a char) and its attributes. */
export function estimateSpanBytes(name: string, service: string, statusMessage: string, attributes: Readonly<Record<string, AttributeValue>>): number {
  let n = 240 + 2 * (name.length + service.length + statusMessage.length) + 2 * (32 + 16 + 16);
  for (const k in attributes) {
    const v = attributes[k];
    n += 48 + 2 * k.length + (typeof v === 'string' ? 2 * v.length : 8);
  }
  return n;
}
