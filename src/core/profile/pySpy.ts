/**
 * Python servers: a CPU profile through py-spy (https://github.com/benfred/py-spy),
 * which samples a running interpreter from outside. It is used when installed; when
 * it is not, one sentence says how to install it and which permission it needs.
 * Its `raw` output (collapsed stacks, "frame;frame;frame count") is summarised the
 * same way as a Node profile: self and total percent, workspace file and line.
 */
import * as l10n from '@vscode/l10n';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { checkDuration } from './capture';
import { readProcessFacts } from './inspector';
import { cpuColumnHeads, visible } from './profileOutput';
import { SourceLocator } from './sourceLocation';
import type { HotFunctionDetail } from './summary';

/** What to install, and which permission py-spy needs, in the display language. */
export function pySpyMissing(): string {
  return l10n.t(
    'py-spy is not installed, so the Python server cannot be profiled: install it with "pip install py-spy" (the wheel ships the binary) and make sure it is on PATH. It reads the server\'s memory, so it needs ptrace permission: profile a process you started yourself with kernel.yama.ptrace_scope at 0 or 1 (sudo sysctl kernel.yama.ptrace_scope=1), or run it as root / with CAP_SYS_PTRACE.',
  );
}

export interface PySpyResult {
  readonly ok: true;
  readonly hotFunctions: HotFunctionDetail[];
  readonly samples: number;
  readonly lines: string[];
}

export async function isPythonProcess(pid: number): Promise<boolean> {
  try {
    return /^python[\d.]*$/.test((await readProcessFacts(pid)).executable);
  } catch {
    return false;
  }
}

/** The py-spy executable on PATH (or the given one), if any. */
export function findPySpy(envPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    const p = path.join(dir, 'py-spy');
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Summarises py-spy's raw (collapsed stack) output. Frames look like `handle (server.py:120)`. */
export function summarizeCollapsed(text: string, locator: SourceLocator, topN = 20): { hotFunctions: HotFunctionDetail[]; samples: number } {
  interface Acc { fn: string; file: string; line: number; self: number; total: number; lineHits: Map<number, number> }
  const acc = new Map<string, Acc>();
  let samples = 0;
  for (const raw of text.split('\n')) {
    const m = /^(.*) (\d+)$/.exec(raw.trim());
    if (!m) continue;
    const count = Number(m[2]);
    samples += count;
    const frames = m[1]!.split(';').map(parseFrame);
    const seen = new Set<string>();
    frames.forEach((f, i) => {
      const key = `${f.fn}\u0000${f.file}`;
      let a = acc.get(key);
      if (!a) {
        a = { fn: f.fn, file: f.file, line: f.line, self: 0, total: 0, lineHits: new Map() };
        acc.set(key, a);
      }
      if (!seen.has(key)) {
        a.total += count;
        seen.add(key);
      }
      if (i === frames.length - 1) {
        a.self += count;
        a.lineHits.set(f.line, (a.lineHits.get(f.line) ?? 0) + count);
      }
      a.line = Math.min(a.line, f.line);
    });
  }
  const pct = (n: number) => (samples > 0 ? Math.round((1000 * n) / samples) / 10 : 0);
  const hotFunctions = [...acc.values()]
    .sort((x, y) => y.self - x.self || y.total - x.total)
    .slice(0, topN)
    .map((a): HotFunctionDetail => {
      const hottest = [...a.lineHits].sort((x, y) => y[1] - x[1])[0]?.[0] ?? a.line;
      const at = path.isAbsolute(a.file) ? locator.describe(a.file, hottest) : { file: a.file, line: hottest, inWorkspace: false };
      return {
        function: a.fn,
        file: at.file,
        line: at.line,
        functionLine: a.line,
        selfPercent: pct(a.self),
        totalPercent: pct(a.total),
        ...('absolutePath' in at && at.absolutePath ? { absolutePath: at.absolutePath } : {}),
        inWorkspace: at.inWorkspace,
      };
    });
  return { hotFunctions, samples };
}

function parseFrame(text: string): { fn: string; file: string; line: number } {
  const m = /^(.*) \((.*):(\d+)\)$/.exec(text);
  return m ? { fn: m[1]!, file: m[2]!, line: Number(m[3]) } : { fn: text, file: '', line: 0 };
}

export interface PySpyOptions {
  readonly pid: number;
  readonly durationMs: number;
  /** Where py-spy writes its raw output. */
  readonly out: string;
  readonly workspaceRoots?: readonly string[];
  readonly log?: (s: string) => void;
  /** Defaults to the one found on `searchPath` (default: PATH). */
  readonly pySpyPath?: string;
  readonly searchPath?: string;
}

export async function capturePySpy(o: PySpyOptions): Promise<PySpyResult | { ok: false; message: string }> {
  const bad = checkDuration(o.durationMs);
  if (bad) return { ok: false, message: bad };
  const exe = o.pySpyPath ?? findPySpy(o.searchPath);
  if (!exe) return { ok: false, message: pySpyMissing() };
  const seconds = Math.max(1, Math.ceil(o.durationMs / 1000));
  o.log?.(l10n.t('py-spy records process {0} for {1} s…', o.pid, seconds));
  const args = ['record', '--pid', String(o.pid), '--duration', String(seconds), '--rate', '100', '--format', 'raw', '--output', o.out, '--nonblocking'];
  const failure = await new Promise<string | undefined>((resolve) => {
    execFile(exe, args, { timeout: o.durationMs + 20_000, maxBuffer: 1024 * 1024 }, (err, _stdout, stderr) => {
      if (!err) return resolve(undefined);
      const said = visible(String(stderr).trim().split('\n').slice(-2).join(' ')).slice(0, 300);
      resolve(
        /permission|ptrace|Operation not permitted/i.test(said)
          ? l10n.t('py-spy was not allowed to read process {0} ({1}). It needs ptrace permission: sudo sysctl kernel.yama.ptrace_scope=1, or run it as root / with CAP_SYS_PTRACE.', o.pid, said)
          : l10n.t('py-spy could not profile process {0}: {1}', o.pid, said || err.message),
      );
    });
  });
  if (failure) return { ok: false, message: failure };
  let text: string;
  try {
    text = fs.readFileSync(o.out, 'utf8');
  } catch {
    return { ok: false, message: l10n.t('py-spy finished but wrote no profile to {0}.', o.out) };
  }
  const s = summarizeCollapsed(text, new SourceLocator(o.workspaceRoots ?? []));
  return {
    ok: true,
    ...s,
    lines: [
      l10n.t('CPU profile of Python process {0} (py-spy): {1} samples.', o.pid, s.samples),
      cpuColumnHeads(),
      ...s.hotFunctions.slice(0, 10).map((h) => `${h.selfPercent.toFixed(1).padStart(7)} ${h.totalPercent.toFixed(1).padStart(7)}  ${visible(h.function)}  (${visible(h.file)}:${h.line})`),
    ],
  };
}
