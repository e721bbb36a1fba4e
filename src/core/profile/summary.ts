/**
 * The monitor's own reading of a profile: the hot functions of a CPU profile (self
 * and total time) and the allocation sites that grew between two sampling heap
 * profiles, each at a workspace file and line.
 */
import type { SourceLocator, SourcePosition } from './sourceLocation';

/** DevTools protocol `Runtime.CallFrame`. */
export interface CallFrame {
  readonly functionName: string;
  readonly scriptId?: string;
  readonly url: string;
  /** 0-based. */
  readonly lineNumber: number;
  /** 0-based. */
  readonly columnNumber: number;
}

/** DevTools protocol `Profiler.Profile` (what a .cpuprofile file holds). */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: CallFrame;
    readonly hitCount?: number;
    readonly children?: readonly number[];
    /** Line-level hits: `line` is 1-based. */
    readonly positionTicks?: readonly { readonly line: number; readonly ticks: number }[];
  }[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

/** DevTools protocol `HeapProfiler.SamplingHeapProfile` (what a .heapprofile file holds). */
export interface SamplingHeapProfile {
  readonly head: SamplingHeapNode;
  readonly samples?: readonly { readonly size: number; readonly nodeId: number; readonly ordinal: number }[];
}

export interface SamplingHeapNode {
  readonly callFrame: CallFrame;
  readonly selfSize: number;
  readonly id: number;
  readonly children: readonly SamplingHeapNode[];
}

/** One row of `hotFunctions` (the JSON contract of `chatroom-monitor profile --json`). */
export interface HotFunction {
  readonly function: string;
  /** Workspace-relative path when inside the workspace, else absolute, else the URL (`node:…`). */
  readonly file: string;
  /** 1-based: the function's hottest line when the profile has line ticks, else its first line. */
  readonly line: number;
  /** Percent of the samples where the process was on CPU (idle excluded), in this function's own code. */
  readonly selfPercent: number;
  /** The same, counting the functions it called. */
  readonly totalPercent: number;
}

/** A hot function with what the editor needs to put it on a line. */
export interface HotFunctionDetail extends HotFunction {
  readonly absolutePath?: string;
  readonly inWorkspace: boolean;
  /** 1-based line where the function starts. */
  readonly functionLine: number;
}

export interface CpuSummary {
  readonly hotFunctions: readonly HotFunctionDetail[];
  readonly samples: number;
  /** Percent of the samples where the process was on CPU (the rest: idle). */
  readonly busyPercent: number;
  readonly durationMs: number;
}

/** One row of `allocationSites`. */
export interface AllocationSite {
  readonly function: string;
  readonly file: string;
  /** 1-based first line of the allocating function (heap sampling records functions, not lines). */
  readonly line: number;
  /** Live sampled bytes allocated here at the second moment minus the first. */
  readonly growthBytes: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  /** The innermost frame when it is not this site (e.g. `toString` in node:buffer). */
  readonly via?: string;
}

export interface AllocationSiteDetail extends AllocationSite {
  readonly absolutePath?: string;
  readonly inWorkspace: boolean;
}

export interface HeapSummary {
  readonly allocationSites: readonly AllocationSiteDetail[];
  readonly totalBytesBefore: number;
  readonly totalBytesAfter: number;
  readonly intervalMs: number;
}

const IDLE = '(idle)';
const TOP_N = 20;

function frameKey(f: CallFrame): string {
  return `${f.functionName}\u0000${f.url}\u0000${f.lineNumber}\u0000${f.columnNumber}`;
}

export function functionLabel(f: CallFrame): string {
  return f.functionName || '(anonymous)';
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Self and total time per function of a CPU profile, hottest (self) first. */
export function summarizeCpuProfile(profile: CpuProfile, locator: SourceLocator, topN = TOP_N): CpuSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Self samples per node: from `samples` when present (hitCount may be absent).
  const selfOf = new Map<number, number>();
  if (profile.samples && profile.samples.length > 0) {
    for (const id of profile.samples) {
      selfOf.set(id, (selfOf.get(id) ?? 0) + 1);
    }
  } else {
    for (const n of profile.nodes) {
      selfOf.set(n.id, n.hitCount ?? 0);
    }
  }
  let all = 0;
  let idle = 0;
  for (const n of profile.nodes) {
    const s = selfOf.get(n.id) ?? 0;
    all += s;
    if (n.callFrame.functionName === IDLE) {
      idle += s;
    }
  }
  const busy = all - idle;
  interface Acc { frame: CallFrame; self: number; total: number; lineTicks: Map<number, number> }
  const acc = new Map<string, Acc>();
  const accOf = (f: CallFrame): Acc => {
    const k = frameKey(f);
    let a = acc.get(k);
    if (!a) {
      a = { frame: f, self: 0, total: 0, lineTicks: new Map() };
      acc.set(k, a);
    }
    return a;
  };
  // Parents: the root is the node no one lists as a child.
  const isChild = new Set<number>();
  for (const n of profile.nodes) {
    for (const c of n.children ?? []) {
      isChild.add(c);
    }
  }
  const roots = profile.nodes.filter((n) => !isChild.has(n.id));
  // Iterative DFS; each node's self samples count once in the total of every distinct function on its path.
  const onPath = new Map<string, number>();
  type Step = { id: number; leave: boolean };
  const stack: Step[] = roots.map((r) => ({ id: r.id, leave: false }));
  while (stack.length > 0) {
    const step = stack.pop()!;
    const node = byId.get(step.id);
    if (!node) {
      continue;
    }
    const key = frameKey(node.callFrame);
    if (step.leave) {
      const c = onPath.get(key)! - 1;
      if (c === 0) {
        onPath.delete(key);
      } else {
        onPath.set(key, c);
      }
      continue;
    }
    onPath.set(key, (onPath.get(key) ?? 0) + 1);
    const self = selfOf.get(node.id) ?? 0;
    const a = accOf(node.callFrame);
    a.self += self;
    for (const t of node.positionTicks ?? []) {
      a.lineTicks.set(t.line, (a.lineTicks.get(t.line) ?? 0) + t.ticks);
    }
    if (self > 0 && node.callFrame.functionName !== IDLE) {
      for (const k of onPath.keys()) {
        acc.get(k)!.total += self;
      }
    }
    stack.push({ id: node.id, leave: true });
    for (const c of node.children ?? []) {
      stack.push({ id: c, leave: false });
    }
  }
  const rows = [...acc.values()]
    .filter((a) => a.frame.functionName !== IDLE && a.frame.functionName !== '(root)' && (a.self > 0 || a.total > 0))
    .sort((x, y) => y.self - x.self || y.total - x.total)
    .slice(0, topN);
  const hotFunctions = rows.map((a): HotFunctionDetail => {
    const start = locator.locate(a.frame.url, a.frame.lineNumber, a.frame.columnNumber);
    let hottestLine: number | undefined;
    let best = -1;
    for (const [line, ticks] of a.lineTicks) {
      if (ticks > best) {
        best = ticks;
        hottestLine = line;
      }
    }
    const at: SourcePosition = hottestLine !== undefined ? locator.locate(a.frame.url, hottestLine - 1, 0) : start;
    return {
      function: functionLabel(a.frame),
      file: at.file,
      line: at.line,
      functionLine: start.line,
      selfPercent: busy > 0 ? round1((100 * a.self) / busy) : 0,
      totalPercent: busy > 0 ? round1((100 * Math.max(a.total, a.self)) / busy) : 0,
      ...(at.absolutePath ? { absolutePath: at.absolutePath } : {}),
      inWorkspace: at.inWorkspace,
    };
  });
  return {
    hotFunctions,
    samples: all,
    busyPercent: all > 0 ? round1((100 * busy) / all) : 0,
    durationMs: Math.max(0, Math.round((profile.endTime - profile.startTime) / 1000)),
  };
}

function isInternal(f: CallFrame): boolean {
  return !f.url || f.url.startsWith('node:') || f.functionName.startsWith('(');
}

interface SiteBytes { frame: CallFrame; via: Set<string>; bytes: number }

/**
 * Live sampled bytes per allocation site. A sample is charged to the innermost
 * frame of the workspace on its stack (the code that asked), else the innermost
 * script frame, else the innermost frame: an allocation in `Buffer.toString` on
 * behalf of `leak` is `leak`'s.
 */
export function bytesBySite(profile: SamplingHeapProfile, locator: SourceLocator): Map<string, SiteBytes> {
  const out = new Map<string, SiteBytes>();
  const inWs = new Map<string, boolean>();
  const isWorkspace = (f: CallFrame) => {
    let v = inWs.get(f.url);
    if (v === undefined) {
      v = !isInternal(f) && locator.locate(f.url, f.lineNumber, f.columnNumber).inWorkspace;
      inWs.set(f.url, v);
    }
    return v;
  };
  const path: CallFrame[] = [];
  const visit = (node: SamplingHeapNode) => {
    path.push(node.callFrame);
    if (node.selfSize > 0) {
      let site: CallFrame | undefined;
      for (let i = path.length - 1; i >= 0 && !site; i--) {
        if (isWorkspace(path[i]!)) site = path[i];
      }
      for (let i = path.length - 1; i >= 0 && !site; i--) {
        if (!isInternal(path[i]!)) site = path[i];
      }
      site ??= node.callFrame;
      const k = frameKey(site);
      let s = out.get(k);
      if (!s) {
        s = { frame: site, via: new Set(), bytes: 0 };
        out.set(k, s);
      }
      s.bytes += node.selfSize;
      if (site !== node.callFrame) {
        s.via.add(functionLabel(node.callFrame));
      }
    }
    for (const c of node.children) {
      visit(c);
    }
    path.pop();
  };
  visit(profile.head);
  return out;
}

/** Allocation sites by growth between two sampling heap profiles of one sampling session. */
export function diffHeapProfiles(before: SamplingHeapProfile, after: SamplingHeapProfile, intervalMs: number, locator: SourceLocator, topN = TOP_N): HeapSummary {
  const a = bytesBySite(before, locator);
  const b = bytesBySite(after, locator);
  const keys = new Set([...a.keys(), ...b.keys()]);
  const rows: AllocationSiteDetail[] = [];
  for (const k of keys) {
    const x = a.get(k);
    const y = b.get(k);
    const frame = (y ?? x)!.frame;
    const growth = (y?.bytes ?? 0) - (x?.bytes ?? 0);
    if (growth <= 0) {
      continue;
    }
    const at = locator.locate(frame.url, frame.lineNumber, frame.columnNumber);
    const via = [...(y?.via ?? [])].slice(0, 3).join(', ');
    rows.push({
      function: functionLabel(frame),
      file: at.file,
      line: at.line,
      growthBytes: growth,
      bytesBefore: x?.bytes ?? 0,
      bytesAfter: y?.bytes ?? 0,
      ...(via ? { via } : {}),
      ...(at.absolutePath ? { absolutePath: at.absolutePath } : {}),
      inWorkspace: at.inWorkspace,
    });
  }
  rows.sort((p, q) => q.growthBytes - p.growthBytes);
  const sum = (m: Map<string, SiteBytes>) => [...m.values()].reduce((s, v) => s + v.bytes, 0);
  return { allocationSites: rows.slice(0, topN), totalBytesBefore: sum(a), totalBytesAfter: sum(b), intervalMs };
}
