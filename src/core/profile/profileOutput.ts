/**
 * What a capture becomes for people and scripts: the file name in storage, the
 * JSON of `chatroom-monitor profile --json` (a contract), the lines the CLI prints,
 * and the sentence the diagnosis quotes as evidence. Function names and paths come
 * from the watched program: callers escape them for their surface (Markdown,
 * notification); here they are plain text, control characters made visible.
 */
import * as l10n from '@vscode/l10n';
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

/** The heads over a CPU table's rows (self% and total% right-aligned in 7 columns each). */
export function cpuColumnHeads(): string {
  return l10n.t({ message: '  self%  total%  function  (file:line)', comment: 'column heads over numbers right-aligned in 7 columns each: keep the widths (a Chinese character is 2 columns wide)' });
}

/** Plain-text table lines for a terminal. */
export function profileLines(c: Capture, topN = 10): string[] {
  if (c.kind === 'cpu') {
    const rows = c.summary.hotFunctions.slice(0, topN);
    return [
      l10n.t('CPU profile of process {0}: {1} s, {2} samples, on CPU {3}% of the time.', c.pid, (c.durationMs / 1000).toFixed(1), c.summary.samples, c.summary.busyPercent),
      cpuColumnHeads(),
      ...rows.map((h) => `${h.selfPercent.toFixed(1).padStart(7)} ${h.totalPercent.toFixed(1).padStart(7)}  ${visible(h.function)}  (${where(h)})`),
    ];
  }
  const rows = c.summary.allocationSites.slice(0, topN);
  return [
    l10n.t('Heap growth of process {0} over {1} s (sampled live bytes {2} → {3}):', c.pid, (c.summary.intervalMs / 1000).toFixed(1), formatBytes(c.summary.totalBytesBefore), formatBytes(c.summary.totalBytesAfter)),
    l10n.t({ message: '     growth  function  (file:line)', comment: 'column heads over numbers right-aligned in 11 columns: keep the widths (a Chinese character is 2 columns wide)' }),
    ...rows.map((a) => `${('+' + formatBytes(a.growthBytes)).padStart(11)}  ${visible(a.function)}  (${where(a)})${a.via ? ` ${l10n.t({ message: 'via {0}', args: [visible(a.via)], comment: 'an allocation site reached through a caller: "via fn"' })}` : ''}`),
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
