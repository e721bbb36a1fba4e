/**
 * Maps a profile's call frame (script URL, 0-based line and column) to a file and
 * 1-based line a developer opens: through the script's source map when it has one
 * (a `//# sourceMappingURL=` comment: a .map file beside it or an inline data: URL),
 * and relative to the workspace when the file is inside it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SourcePosition {
  /** Absolute path of the source file; undefined for Node internals and native code. */
  readonly absolutePath?: string;
  /** What to print: workspace-relative path, absolute path, or the URL (`node:internal/…`). */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** Inside a workspace folder and not under node_modules: the developer's own code. */
  readonly inWorkspace: boolean;
}

interface Mapping {
  readonly genCol: number;
  readonly source: number;
  readonly line: number;
  readonly col: number;
}

export interface DecodedSourceMap {
  readonly sources: readonly string[];
  /** One array of mappings per generated line, sorted by generated column. */
  readonly lines: readonly (readonly Mapping[])[];
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Map([...B64].map((c, i) => [c, i]));

/** Decodes a version-3 source map's `mappings` (Base64 VLQ) with its sources resolved against `mapDir`. */
export function decodeSourceMap(map: { sources?: unknown; sourceRoot?: unknown; mappings?: unknown }, mapDir: string): DecodedSourceMap | undefined {
  if (!Array.isArray(map.sources) || typeof map.mappings !== 'string') {
    return undefined;
  }
  const root = typeof map.sourceRoot === 'string' ? map.sourceRoot : '';
  const sources = map.sources.map((s: unknown) => {
    const src = String(s);
    if (src.startsWith('file://')) {
      return fileURLToPath(src);
    }
    return path.resolve(mapDir, root, src);
  });
  const lines: Mapping[][] = [];
  let source = 0;
  let line = 0;
  let col = 0;
  for (const lineText of map.mappings.split(';')) {
    const out: Mapping[] = [];
    let genCol = 0;
    for (const seg of lineText.split(',')) {
      if (!seg) {
        continue;
      }
      const v = decodeVlq(seg);
      if (v.length === 0) {
        continue;
      }
      genCol += v[0]!;
      if (v.length >= 4) {
        source += v[1]!;
        line += v[2]!;
        col += v[3]!;
        out.push({ genCol, source, line, col });
      }
    }
    out.sort((a, b) => a.genCol - b.genCol);
    lines.push(out);
  }
  return { sources, lines };
}

function decodeVlq(seg: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of seg) {
    const d = B64_VALUE.get(ch);
    if (d === undefined) {
      return [];
    }
    value += (d & 31) * 2 ** shift;
    if (d & 32) {
      shift += 5;
    } else {
      out.push(value & 1 ? -Math.floor(value / 2) : Math.floor(value / 2));
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** The original position of a generated (0-based) line and column, if the map covers it. */
export function originalPosition(map: DecodedSourceMap, line0: number, col0: number): { path: string; line0: number } | undefined {
  const mappings = map.lines[line0];
  if (!mappings || mappings.length === 0) {
    return undefined;
  }
  // The last mapping at or before the column; else the line's first one.
  let best = mappings[0]!;
  for (const m of mappings) {
    if (m.genCol <= col0) {
      best = m;
    } else {
      break;
    }
  }
  const p = map.sources[best.source];
  return p === undefined ? undefined : { path: p, line0: best.line };
}

/** Reads scripts' source maps once per capture; never throws. */
export class SourceLocator {
  private readonly maps = new Map<string, DecodedSourceMap | undefined>();

  constructor(
    private readonly workspaceRoots: readonly string[],
    /** Scripts larger than this are not read for a map comment. */
    private readonly maxScriptBytes = 32 * 1024 * 1024,
  ) {}

  locate(url: string, line0: number, col0: number): SourcePosition {
    const file = scriptPath(url);
    if (file === undefined) {
      return { file: url || '(native)', line: line0 + 1, inWorkspace: false };
    }
    const map = this.mapOf(file);
    const orig = map ? originalPosition(map, line0, col0) : undefined;
    const abs = orig ? orig.path : file;
    return this.describe(abs, (orig ? orig.line0 : line0) + 1);
  }

  describe(absolutePath: string, line: number): SourcePosition {
    for (const root of this.workspaceRoots) {
      const rel = path.relative(root, absolutePath);
      if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) {
        const file = rel.split(path.sep).join('/');
        // Dependencies are shown relative too, but are not the developer's own code.
        return { absolutePath, file, line, inWorkspace: !/(^|\/)node_modules\//.test(file) };
      }
    }
    return { absolutePath, file: absolutePath, line, inWorkspace: false };
  }

  private mapOf(file: string): DecodedSourceMap | undefined {
    if (this.maps.has(file)) {
      return this.maps.get(file);
    }
    let decoded: DecodedSourceMap | undefined;
    try {
      if (fs.statSync(file).size <= this.maxScriptBytes) {
        const text = fs.readFileSync(file, 'utf8');
        // The last comment wins (a bundle may quote another file's).
        const ref = [...text.matchAll(/[#@] sourceMappingURL=([^\s*]+)/g)].at(-1)?.[1];
        if (ref) {
          decoded = readMap(ref, path.dirname(file));
        }
      }
    } catch {
      decoded = undefined;
    }
    this.maps.set(file, decoded);
    return decoded;
  }
}

function readMap(ref: string, scriptDir: string): DecodedSourceMap | undefined {
  const inline = /^data:application\/json(?:;charset=[^;,]+)?;base64,(.*)$/.exec(ref);
  if (inline) {
    return decodeSourceMap(JSON.parse(Buffer.from(inline[1]!, 'base64').toString('utf8')) as object, scriptDir);
  }
  if (/^[a-z]+:/i.test(ref) && !ref.startsWith('file:')) {
    return undefined; // never fetched from anywhere
  }
  const mapPath = ref.startsWith('file:') ? fileURLToPath(ref) : path.resolve(scriptDir, decodeURIComponent(ref));
  return decodeSourceMap(JSON.parse(fs.readFileSync(mapPath, 'utf8')) as object, path.dirname(mapPath));
}

/** The file path of a script URL (`file:///…` or an absolute path); undefined for node:, native, eval. */
export function scriptPath(url: string): string | undefined {
  if (url.startsWith('file://')) {
    try {
      return fileURLToPath(url);
    } catch {
      return undefined;
    }
  }
  return path.isAbsolute(url) ? url : undefined;
}
