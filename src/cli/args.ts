/**
 * Reading flag values the one way for every subcommand: whole numbers strictly
 * (`--port 0x50` is refused, not read as 80), durations with the grammar rules and
 * settings use (`1h30m`), output paths checked before any work is done.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as l10n from '@vscode/l10n';
import { parseDuration } from '../core/alerts/duration';

/** A whole number written in decimal digits, from min to max; else a sentence naming the flag. */
export function wholeNumber(flag: string, text: string, min: number, max: number): number | { error: string } {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : { error: l10n.t('{0} must be a whole number from {1} to {2}, not "{3}".', flag, min, max, text) };
}

/** A duration (`30s`, `5m`, `1h30m`, `90` seconds) from min to max ms; else a sentence naming the flag. */
export function duration(flag: string, text: string, minMs: number, maxMs: number): number | { error: string } {
  const d = parseDuration(text);
  if ('ms' in d && d.ms >= minMs && d.ms <= maxMs) {
    return d.ms;
  }
  return { error: durationError(flag, text, Number.isFinite(maxMs) ? { min: `${Math.round(minMs / 1000)}s`, max: `${Math.round(maxMs / 3_600_000)}h` } : undefined) };
}

/** The sentence for a duration that does not read or is out of range (`range`: its ends as typed, like 1s and 60s). */
export function durationError(flag: string, text: string, range?: { min: string; max: string }): string {
  return range
    ? l10n.t('{0} must be like 30s, 5m or 1h30m (between {1} and {2}), not "{3}".', flag, range.min, range.max, text)
    : l10n.t('{0} must be like 30s, 5m or 1h30m, not "{1}".', flag, text);
}

/**
 * Checks that a file can be written at `file` — its folder exists and is writable,
 * and it is not a folder itself — so a long watch does not end in a lost report.
 * Returns a sentence naming the flag, or undefined when it can be written.
 */
export function checkWritableFile(flag: string, file: string): string | undefined {
  const full = path.resolve(file);
  const dir = path.dirname(full);
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    return l10n.t('{0}: the folder {1} does not exist; create it or write the report elsewhere.', flag, dir);
  }
  if (!st.isDirectory()) {
    return l10n.t('{0}: {1} is not a folder.', flag, dir);
  }
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    return l10n.t('{0}: cannot write in {1} (permission denied); choose another folder.', flag, dir);
  }
  if (fs.existsSync(full) && fs.statSync(full).isDirectory()) {
    return l10n.t('{0}: {1} is a folder; give a file name.', flag, full);
  }
  return undefined;
}
