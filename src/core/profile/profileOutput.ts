/**
 * What a capture becomes for people and scripts: the file name in storage, the
 * JSON of `chatroom-monitor profile --json` (a contract), the lines the CLI prints,
 * and the sentence the diagnosis quotes as evidence. Function names and paths come
 * from the watched program: callers escape them for their surface (Markdown,
 * notification); here they are plain text, control characters made visible.
 */
import fs from 'node:fs';
import path from 'node:path';
import { formatBytes } from '../format';
import { visibleText } from '../text/inertText';
import type { CpuCapture, HeapCapture } from './capture';
import type { AllocationSite, HotFunction } from './summary';

export type Capture = CpuCapture | HeapCapture;

/** `cpu-1234-20261129T140203Z.cpuprofile`: sortable, one per capture. */
export function profileFileName(c: Pick<Capture, 'kind' | 'pid' | 'startedAtMs'>): string {
  const stamp = new Date(c.startedAtMs).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${c.kind}-${c.pid}-${stamp}.${c.kind === 'cpu' ? 'cpuprofile' : 'heapprofile'}`;
}

/** Writes the capture's file into `dir` (created if missing) and returns its path. */
export function writeProfileFile(dir: string, c: Capture): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, profileFileName(c));
  fs.writeFileSync(file, c.fileText);
  return file;
}

/** Watched-side text (function names, paths) for a terminal or plain sentence: controls made visible. */
export function visible(text: string): string {
  return visibleText(text, 300);
}

/** The rows of the JSON contract: exactly these fields. */
export function hotFunctionRows(c: CpuCapture, topN = 10): HotFunction[] {
  return c.summary.hotFunctions.slice(0, topN).map((h) => ({ function: h.function, file: h.file, line: h.line, selfPercent: h.selfPercent, totalPercent: h.totalPercent }));
}

export function allocationSiteRows(c: HeapCapture, topN = 10): AllocationSite[] {
  return c.summary.allocationSites
    .slice(0, topN)
    .map((a) => ({ function: a.function, file: a.file, line: a.line, growthBytes: a.growthBytes, bytesBefore: a.bytesBefore, bytesAfter: a.bytesAfter, ...(a.via ? { via: a.via } : {}) }));
}

/** `chatroom-monitor profile --json`: `{ hotFunctions: [...] }` or `{ allocationSites: [...] }`, plus where and when. */
export function profileJson(c: Capture, file: string | undefined): object {
  const common = { pid: c.pid, startedAt: new Date(c.startedAtMs).toISOString(), durationMs: c.durationMs, ...(file ? { file } : {}) };
  return c.kind === 'cpu'
    ? { hotFunctions: hotFunctionRows(c), ...common, samples: c.summary.samples, busyPercent: c.summary.busyPercent }
    : { allocationSites: allocationSiteRows(c), ...common, intervalMs: c.summary.intervalMs };
}

/** Plain-text table lines for a terminal. */
export function profileLines(c: Capture, topN = 10): string[] {
  if (c.kind === 'cpu') {
    const rows = c.summary.hotFunctions.slice(0, topN);
    return [
      `CPU profile of process ${c.pid}: ${(c.durationMs / 1000).toFixed(1)} s, ${c.summary.samples} samples, on CPU ${c.summary.busyPercent}% of the time.`,
      '  self%  total%  function  (file:line)',
      ...rows.map((h) => `${h.selfPercent.toFixed(1).padStart(7)} ${h.totalPercent.toFixed(1).padStart(7)}  ${visible(h.function)}  (${where(h)})`),
    ];
  }
  const rows = c.summary.allocationSites.slice(0, topN);
  return [
    `Heap growth of process ${c.pid} over ${(c.summary.intervalMs / 1000).toFixed(1)} s (sampled live bytes ${formatBytes(c.summary.totalBytesBefore)} → ${formatBytes(c.summary.totalBytesAfter)}):`,
    '     growth  function  (file:line)',
    ...rows.map((a) => `${('+' + formatBytes(a.growthBytes)).padStart(11)}  ${visible(a.function)}  (${where(a)})${a.via ? ` via ${visible(a.via)}` : ''}`),
  ];
}

/** `file:line`, or just `(native)` for code without a script. */
export function where(r: { file: string; line: number }): string {
  return r.file.startsWith('(') ? r.file : `${visible(r.file)}:${r.line}`;
}

/** The hottest function of the developer's own code, for evidence ("62% of CPU in `broadcast` at file:88"). */
export function topOwnFunction(c: CpuCapture): HotFunction | undefined {
  return c.summary.hotFunctions.find((h) => h.inWorkspace);
}

export function topOwnAllocationSite(c: HeapCapture): AllocationSite | undefined {
  return c.summary.allocationSites.find((a) => a.inWorkspace);
}
