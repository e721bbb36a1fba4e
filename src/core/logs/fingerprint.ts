/** Error fingerprints: type + normalised message + the top frames of the application's own code. */
import { createHash } from 'node:crypto';
import { RawFrame } from './stackFrames';

/** How many application frames go into a fingerprint. */
export const FINGERPRINT_FRAMES = 3;

/**
 * The message with what varies between occurrences of the same error replaced:
 * UUIDs, hex ids, ISO times, IPs, e-mail addresses and numbers. Quoted words are kept
 * (`reading 'name'` vs `reading 'id'` are different bugs).
 */
export function normaliseMessage(message: string): string {
  return message
    .slice(0, 500)
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>')
    .replace(/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?/g, '<time>')
    .replace(/\b[\w.+-]+@[\w-]+\.[\w.-]+\b/g, '<email>')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '<ip>')
    .replace(/\b0x[0-9a-f]+\b/gi, '<hex>')
    .replace(/\b[0-9a-f]{12,}\b/gi, '<hex>')
    .replace(/\d+(?:\.\d+)?/g, '<n>')
    .trim();
}

/** A frame of the application's own code: not the runtime's, not a dependency's. */
export function isAppFrame(file: string): boolean {
  return !(
    file.startsWith('node:') ||
    file.startsWith('internal/') ||
    file === '<anonymous>' ||
    file.startsWith('<') ||
    file.includes('/node_modules/') ||
    file.includes('\\node_modules\\') ||
    /[/\\](?:site|dist)-packages[/\\]/.test(file) ||
    /[/\\]lib[/\\]python\d(?:\.\d+)?[/\\]/.test(file)
  );
}

/** The top application frames (innermost first), at most `n`. */
export function topAppFrames(frames: readonly RawFrame[], n = FINGERPRINT_FRAMES): RawFrame[] {
  const out: RawFrame[] = [];
  for (const f of frames) {
    if (isAppFrame(f.file)) {
      out.push(f);
      if (out.length >= n) break;
    }
  }
  return out;
}

/**
 * A stable id for an error. Frames count by file and function (not line, so an edit
 * above the throw keeps the group); a frame without a function name counts by line.
 */
export function fingerprint(type: string, message: string, frames: readonly RawFrame[]): string {
  const parts = [type, normaliseMessage(message)];
  for (const f of topAppFrames(frames)) {
    parts.push(`${f.file}|${f.fn ?? `:${f.line}`}`);
  }
  return createHash('sha1').update(parts.join('\n')).digest('hex').slice(0, 12);
}
