/** Log levels, one vocabulary for every format (pino/bunyan numbers, winston/Python names, level words). */

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Index of a level in LOG_LEVELS (0 trace … 5 fatal), for compact storage and comparisons. */
export function levelRank(level: LogLevel): number {
  return LOG_LEVELS.indexOf(level);
}

const NAMES: Record<string, LogLevel> = {
  trace: 'trace',
  verbose: 'debug',
  silly: 'trace',
  debug: 'debug',
  dbug: 'debug',
  info: 'info',
  information: 'info',
  notice: 'info',
  http: 'info',
  log: 'info',
  warn: 'warn',
  warning: 'warn',
  wrn: 'warn',
  error: 'error',
  err: 'error',
  eror: 'error',
  exception: 'error',
  fatal: 'fatal',
  critical: 'fatal',
  crit: 'fatal',
  alert: 'fatal',
  emerg: 'fatal',
  emergency: 'fatal',
  panic: 'fatal',
};

/**
 * A level from a name (`"WARNING"`, `"err"`) or a number: pino/bunyan use 10…60,
 * Python's logging 10…50 (`levelno`), syslog 0…7 is not guessed (too ambiguous).
 */
export function toLevel(value: unknown): LogLevel | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    if (value >= 60) return 'fatal';
    if (value >= 50) return 'error'; // pino/bunyan 50 error, Python 50 CRITICAL handled below
    if (value >= 40) return 'warn';
    if (value >= 30) return 'info';
    if (value >= 20) return 'debug';
    if (value >= 10) return 'trace';
    return undefined;
  }
  if (typeof value === 'string') {
    const named = NAMES[value.toLowerCase()];
    if (named) return named;
    if (/^\d+$/.test(value)) return toLevel(Number(value));
  }
  return undefined;
}
