/**
 * Stack frames → workspace files and lines: absolute paths, paths relative to the
 * server's cwd, `file://` URLs, and compiled JavaScript mapped back through its source
 * map (inline `data:` URL, a `sourceMappingURL` file, or `FILE.js.map`) to the original
 * TypeScript line. Source maps are read once per file and cached (bounded).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import { isAppFrame } from './fingerprint';
import { RawFrame } from './stackFrames';

export interface MappedFrame {
  /** Absolute path when the frame names a file on this machine, else the text as written. */
  readonly file: string;
  readonly line: number;
  readonly column?: number;
  readonly fn?: string;
  /** Under a workspace root and not a dependency (node_modules, site-packages). */
  readonly inWorkspace: boolean;
  /** The frame was in compiled JavaScript and was mapped through a source map. */
  readonly sourceMapped: boolean;
}

export interface FrameMapperOptions {
  /** Workspace folders (absolute). */
  readonly roots: readonly string[];
  /** The server's working directory, for relative frame paths (default: the first root). */
  readonly cwd?: string;
  /** Source maps cached at most (default 200). */
  readonly maxMaps?: number;
  /** Largest compiled file or map read (default 20 MiB). */
  readonly maxFileBytes?: number;
}

export class FrameMapper {
  private readonly maps = new Map<string, TraceMap | null>();
  private readonly roots: string[];
  private readonly cwd: string;

  constructor(private readonly options: FrameMapperOptions) {
    this.roots = options.roots.map((r) => path.resolve(r));
    this.cwd = path.resolve(options.cwd ?? this.roots[0] ?? process.cwd());
  }

  map(frame: RawFrame): MappedFrame {
    const abs = this.toAbsolute(frame.file);
    if (abs === undefined) {
      return { file: frame.file, line: frame.line, ...(frame.column !== undefined ? { column: frame.column } : {}), ...(frame.fn ? { fn: frame.fn } : {}), inWorkspace: false, sourceMapped: false };
    }
    let file = abs;
    let line = frame.line;
    let column = frame.column;
    let sourceMapped = false;
    if (/\.[cm]?js$/.test(abs)) {
      const tm = this.sourceMap(abs);
      if (tm) {
        const pos = originalPositionFor(tm, { line: frame.line, column: Math.max(0, (frame.column ?? 1) - 1) });
        if (pos.source !== null && pos.line !== null) {
          file = pos.source.startsWith('file://') ? fileURLToPath(pos.source) : path.resolve(path.dirname(abs), pos.source);
          line = pos.line;
          column = pos.column !== null ? pos.column + 1 : undefined;
          sourceMapped = true;
        }
      }
    }
    return { file, line, ...(column !== undefined ? { column } : {}), ...(frame.fn ? { fn: frame.fn } : {}), inWorkspace: this.inWorkspace(file), sourceMapped };
  }

  /** `file` relative to the workspace root that holds it (or to `base`), `/` separated. */
  relative(file: string, base?: string): string {
    if (!path.isAbsolute(file)) return file;
    const root = base ?? this.roots.find((r) => isUnder(file, r)) ?? this.cwd;
    const rel = path.relative(root, file);
    return rel.startsWith('..') ? file : rel.split(path.sep).join('/');
  }

  private toAbsolute(file: string): string | undefined {
    if (file.startsWith('file://')) {
      try {
        return fileURLToPath(file);
      } catch {
        return undefined;
      }
    }
    if (file.startsWith('node:') || file.startsWith('internal/') || file.startsWith('<') || file === 'native') return undefined;
    if (/^[a-z][\w+.-]*:\/\//i.test(file)) return undefined; // http://… bundles in a browser
    return path.isAbsolute(file) ? path.normalize(file) : path.resolve(this.cwd, file);
  }

  private inWorkspace(file: string): boolean {
    if (!path.isAbsolute(file) || !isAppFrame(file)) return false;
    return this.roots.some((r) => isUnder(file, r));
  }

  private sourceMap(jsFile: string): TraceMap | null {
    if (this.maps.has(jsFile)) return this.maps.get(jsFile)!;
    let tm: TraceMap | null = null;
    try {
      tm = this.loadMap(jsFile);
    } catch {
      tm = null; // unreadable or malformed: the frame stays in the JavaScript file
    }
    if (this.maps.size >= (this.options.maxMaps ?? 200)) {
      this.maps.delete(this.maps.keys().next().value!);
    }
    this.maps.set(jsFile, tm);
    return tm;
  }

  private loadMap(jsFile: string): TraceMap | null {
    const max = this.options.maxFileBytes ?? 20 * 1024 * 1024;
    const st = fs.statSync(jsFile);
    if (st.size > max) return null;
    const js = fs.readFileSync(jsFile, 'utf8');
    const m = /\/\/[#@] sourceMappingURL=(\S+)\s*$/.exec(js.slice(-Math.min(js.length, 4 * 1024 * 1024)));
    let mapText: string | undefined;
    let mapPath = jsFile + '.map';
    if (m) {
      const url = m[1]!;
      const data = /^data:application\/json(?:;charset=[\w-]+)?;base64,(.*)$/.exec(url);
      if (data) {
        mapText = Buffer.from(data[1]!, 'base64').toString('utf8');
        mapPath = jsFile;
      } else if (!/^[a-z]+:/i.test(url) || url.startsWith('file://')) {
        mapPath = url.startsWith('file://') ? fileURLToPath(url) : path.resolve(path.dirname(jsFile), decodeURIComponent(url));
      }
    }
    if (mapText === undefined) {
      if (!fs.existsSync(mapPath) || fs.statSync(mapPath).size > max) return null;
      mapText = fs.readFileSync(mapPath, 'utf8');
    }
    // Sources are resolved against the map's own location.
    const parsed = JSON.parse(mapText) as { sourceRoot?: string; sources: string[] };
    const dir = path.dirname(mapPath);
    parsed.sources = parsed.sources.map((s) => (s.startsWith('file://') ? s : path.resolve(dir, parsed.sourceRoot ?? '', s)));
    delete parsed.sourceRoot;
    return new TraceMap(parsed as unknown as ConstructorParameters<typeof TraceMap>[0]);
  }
}

function isUnder(file: string, root: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
