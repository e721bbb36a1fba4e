/**
 * What a stored value is, for summaries and reports: a counter (summarised as an
 * increase and a per-second rate), a gauge (a level), or a timestamp (a point in
 * time in seconds since the epoch, shown as a time and an age, never a duration).
 *
 * The declared `# TYPE` decides; the name only where none was declared (untyped,
 * unknown, or the monitor's own series): a gauge named `*_total`
 * (`nodejs_active_resources_total`) stays a gauge. Timestamps by the unit module's
 * rule (`*_start_time_seconds`, `*_timestamp_seconds`, `*_boot_time_seconds`).
 */
import { SeriesMeta } from './model';
import { inferUnit } from './units';

export type ValueKind = 'counter' | 'gauge' | 'timestamp';

export function valueKind(name: string, meta?: SeriesMeta): ValueKind {
  const type = meta?.type;
  if (type === 'counter') {
    return 'counter';
  }
  if (inferUnit(name, meta) === 'timestamp') {
    return 'timestamp';
  }
  if (type !== undefined && type !== 'untyped' && type !== 'unknown') {
    return 'gauge';
  }
  return name.endsWith('_total') ? 'counter' : 'gauge';
}
