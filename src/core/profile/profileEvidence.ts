/**
 * What the report keeps of a profile (small, plain data: the monitor holds the last
 * few), its Profile section, and the line the diagnosis quotes as evidence
 * ("62% of CPU in `broadcast` at examples/chat-server/chatRooms.js:88").
 */
import * as l10n from '@vscode/l10n';
import type { Issue } from '../analyze/issue';
import { formatBytes, formatDuration, formatTimestamp } from '../format';
import { inertMarkdownCode, inertMarkdownText } from '../text/inertText';
import type { CpuCapture, HeapCapture } from './capture';

export interface ProfileEvidenceRow {
  readonly function: string;
  readonly file: string;
  readonly line: number;
  readonly inWorkspace: boolean;
  readonly selfPercent?: number;
  readonly totalPercent?: number;
  readonly growthBytes?: number;
}

export interface ProfileEvidence {
  readonly kind: 'cpu' | 'heap';
  readonly pid: number;
  readonly atMs: number;
  readonly durationMs: number;
  /** Top entries: hot functions (cpu) or growing allocation sites (heap). */
  readonly rows: readonly ProfileEvidenceRow[];
}

/** The monitor keeps this many profiles for the report. */
export const MAX_KEPT_PROFILES = 10;
const ROWS = 10;

export function profileEvidenceOf(c: CpuCapture | HeapCapture): ProfileEvidence {
  const rows: ProfileEvidenceRow[] =
    c.kind === 'cpu'
      ? c.summary.hotFunctions.slice(0, ROWS).map((h) => ({ function: h.function, file: h.file, line: h.line, inWorkspace: h.inWorkspace, selfPercent: h.selfPercent, totalPercent: h.totalPercent }))
      : c.summary.allocationSites.slice(0, ROWS).map((a) => ({ function: a.function, file: a.file, line: a.line, inWorkspace: a.inWorkspace, growthBytes: a.growthBytes }));
  return { kind: c.kind, pid: c.pid, atMs: c.startedAtMs, durationMs: c.durationMs, rows };
}

/** The sentence a diagnosis quotes, as plain text (escape it for its surface). */
export function profileQuote(p: ProfileEvidence): { fn: string; where: string; text: string } | undefined {
  const top = p.rows.find((r) => r.inWorkspace);
  if (!top) return undefined;
  const where = `${top.file}:${top.line}`;
  return p.kind === 'cpu'
    ? { fn: top.function, where, text: l10n.t('{0}% of CPU in {1} at {2}', String(top.selfPercent), top.function, where) }
    : { fn: top.function, where, text: l10n.t('{0} at {1} grew the most (+{2})', top.function, where, formatBytes(top.growthBytes ?? 0)) };
}

/**
 * The issues with the newest matching profile quoted as evidence: a CPU profile for
 * CPU saturation and event-loop blocking, a heap profile for a memory-leak suspect.
 */
export function quoteProfiles(issues: readonly Issue[], profiles: readonly ProfileEvidence[]): Issue[] {
  const newest = (kind: 'cpu' | 'heap') => [...profiles].filter((p) => p.kind === kind).sort((a, b) => b.atMs - a.atMs)[0];
  return issues.map((issue) => {
    const kind = issue.id === 'memory-leak' ? 'heap' : issue.id === 'cpu-saturation' || issue.id === 'event-loop-blocking' ? 'cpu' : undefined;
    const p = kind && newest(kind);
    const q = p && profileQuote(p);
    if (!p || !q) return issue;
    return {
      ...issue,
      evidence: [...issue.evidence, { label: p.kind === 'cpu' ? l10n.t('CPU profile') : l10n.t('Heap profile'), value: q.text, window: { fromMs: p.atMs, toMs: p.atMs + p.durationMs } }],
    };
  });
}

/** The report's Profile section (Markdown; function names and paths inert). */
export function profileSection(profiles: readonly ProfileEvidence[]): string[] {
  const out = [`## ${l10n.t('Profile')}`, ''];
  for (const p of [...profiles].sort((a, b) => b.atMs - a.atMs)) {
    const heading =
      p.kind === 'cpu'
        ? l10n.t('CPU profile of process {0} at {1} ({2})', p.pid, formatTimestamp(p.atMs), formatDuration(p.durationMs))
        : l10n.t('Heap growth of process {0} at {1} ({2})', p.pid, formatTimestamp(p.atMs), formatDuration(p.durationMs));
    out.push(`### ${heading}`, '');
    const q = profileQuote(p);
    if (q) {
      out.push(
        p.kind === 'cpu'
          ? l10n.t('{0}% of CPU in {1} at {2}.', String(p.rows.find((r) => r.inWorkspace)!.selfPercent), inertMarkdownCode(q.fn), inertMarkdownCode(q.where))
          : l10n.t('{0} at {1} grew the most.', inertMarkdownCode(q.fn), inertMarkdownCode(q.where)),
        '',
      );
    }
    if (p.kind === 'cpu') {
      out.push(`| ${l10n.t('Self')} | ${l10n.t('Total')} | ${l10n.t('Function')} | ${l10n.t('File:line')} |`, '|---:|---:|---|---|');
      for (const r of p.rows) out.push(`| ${r.selfPercent}% | ${r.totalPercent}% | ${inertMarkdownCode(r.function, undefined, true)} | ${inertMarkdownText(`${r.file}:${r.line}`)} |`);
    } else {
      out.push(`| ${l10n.t('Growth')} | ${l10n.t('Allocation site')} | ${l10n.t('File:line')} |`, '|---:|---|---|');
      for (const r of p.rows) out.push(`| +${formatBytes(r.growthBytes ?? 0)} | ${inertMarkdownCode(r.function, undefined, true)} | ${inertMarkdownText(`${r.file}:${r.line}`)} |`);
    }
    out.push('');
  }
  return out;
}

/** Which profile explains an alert on this metric: CPU for CPU, heap for memory; none for the rest. */
export function profileKindFor(metric: string | undefined): 'cpu' | 'heap' | undefined {
  if (!metric || metric.startsWith('system_')) {
    return undefined; // the machine's CPU or memory: profiling the server may not explain it
  }
  if (/cpu/.test(metric)) {
    return 'cpu';
  }
  return /memory|rss|heap/.test(metric) ? 'heap' : undefined;
}
