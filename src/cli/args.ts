/**
 * Reading flag values the one way for every subcommand: whole numbers strictly
 * (`--port 0x50` is refused, not read as 80), durations with the grammar rules and
 * settings use (`1h30m`), output paths checked before any work is done.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseDuration } from '../core/alerts/duration';

/** A whole number written in decimal digits, from min to max; else a sentence naming the flag. */
export function wholeNumber(flag: string, text: string, min: number, max: number): number | { error: string } {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : { error: `${flag} must be a whole number from ${min} to ${max}, not "${text}".` };
}

/** A duration (`30s`, `5m`, `1h30m`, `90` seconds) from min to max ms; else a sentence naming the flag. */
export function duration(flag: string, text: string, minMs: number, maxMs: number): number | { error: string } {
  const d = parseDuration(text);
  if ('ms' in d && d.ms >= minMs && d.ms <= maxMs) {
    return d.ms;
  }
  const range = Number.isFinite(maxMs) ? ` (between ${Math.round(minMs / 1000)}s and ${Math.round(maxMs / 3_600_000)}h)` : '';
  return { error: `${flag} must be like 30s, 5m or 1h30m${range}, not "${text}".` };
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
    return `${flag}: the folder ${dir} does not exist; create it or write the report elsewhere.`;
  }
  if (!st.isDirectory()) {
    return `${flag}: ${dir} is not a folder.`;
  }
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    return `${flag}: cannot write in ${dir} (permission denied); choose another folder.`;
  }
  if (fs.existsSync(full) && fs.statSync(full).isDirectory()) {
    return `${flag}: ${full} is a folder; give a file name.`;
  }
  return undefined;
}
