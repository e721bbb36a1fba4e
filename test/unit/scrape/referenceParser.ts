/**
 * parse-prometheus-text-format ships no types; this gives it the shape it returns so
 * the tests can compare against it. All values come back as strings.
 */
export interface ReferenceSample {
  readonly value?: string;
  readonly labels?: Record<string, string>;
  readonly timestamp_ms?: string;
  readonly buckets?: Record<string, string>;
  readonly quantiles?: Record<string, string>;
  readonly count?: string;
  readonly sum?: string;
}

export interface ReferenceFamily {
  readonly name: string;
  readonly help: string;
  /** Upper case: COUNTER, GAUGE, HISTOGRAM, SUMMARY, UNTYPED. */
  readonly type: string;
  readonly metrics: readonly ReferenceSample[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const impl = require('parse-prometheus-text-format') as (text: string) => ReferenceFamily[];

export function parsePrometheusTextFormat(text: string): ReferenceFamily[] {
  return impl(text);
}
