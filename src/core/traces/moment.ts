/**
 * "The slowest traces of that moment": the time window a point on a dashboard chart
 * stands for, so a latency spike leads to the traces that made it. Small and free of
 * the receiver's code: the main bundle uses it to open the Traces view.
 */
import { isTraceId } from '../../shared/tracesProtocol';

/**
 * A chart point at time t summarises what finished shortly before t: the monitor's
 * latency percentiles cover the 10 s (scraped histograms) to 30 s (trace series)
 * before the tick. A trace that overlaps [t − 30 s, t + 5 s] may be behind the point
 * (the 5 s after: a slow request in flight at t finishes later).
 */
export const MOMENT_BEFORE_MS = 30_000;
export const MOMENT_AFTER_MS = 5_000;

export interface TimeWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

/** What Show Traces is asked to show: a moment, and in it one trace (an exemplar picked on a chart). */
export interface TracesTarget extends TimeWindow {
  readonly traceId?: string;
}

/** The window of traces behind a chart point at `atMs`. */
export function momentWindow(atMs: number): TimeWindow {
  return { fromMs: atMs - MOMENT_BEFORE_MS, toMs: atMs + MOMENT_AFTER_MS };
}

/** A window from outside (a command's argument), checked: finite, ordered, at most a day wide. */
export function readTimeWindow(v: unknown): TimeWindow | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const { fromMs, toMs } = v as { fromMs?: unknown; toMs?: unknown };
  if (typeof fromMs !== 'number' || typeof toMs !== 'number' || !Number.isFinite(fromMs) || !Number.isFinite(toMs)) return undefined;
  return fromMs <= toMs && toMs - fromMs <= 86_400_000 ? { fromMs, toMs } : undefined;
}

/** The trace a command's argument names (`{ traceId }`, 32 hex digits), else undefined. */
export function readTraceId(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const id = (v as { traceId?: unknown }).traceId;
  return isTraceId(id) ? id : undefined;
}

/** The Show Traces argument for a chart point at `atMs`, with the trace of an exemplar picked there. */
export function momentTarget(atMs: number, traceId?: string): TracesTarget {
  return traceId === undefined ? momentWindow(atMs) : { ...momentWindow(atMs), traceId };
}
