/**
 * The profiler's core API (what the VS Code commands, the CLI and automated
 * actions call): attach to a running Node process, capture, close what was opened,
 * and hand back the profile file's text plus the monitor's summary of it.
 * Never throws: a failure is `{ ok: false, message }` with a sentence.
 */
import * as l10n from '@vscode/l10n';
import { CdpClient, CdpError } from './cdpClient';
import { closeInspector, exclusive, isAlive, Log, OpenInspector, openInspector, ProfileError } from './inspector';
import { SourceLocator } from './sourceLocation';
import { CpuProfile, CpuSummary, diffHeapProfiles, HeapSummary, SamplingHeapProfile, summarizeCpuProfile } from './summary';

/** Captures are bounded: at most a minute of the server's time. */
export const MAX_PROFILE_DURATION_MS = 60_000;
export const MIN_PROFILE_DURATION_MS = 1_000;
/** A profile file larger than this is not kept. */
export const DEFAULT_MAX_PROFILE_FILE_BYTES = 64 * 1024 * 1024;

export interface CaptureOptions {
  readonly pid: number;
  /** 1 s … 60 s. */
  readonly durationMs: number;
  /** Where profile files are mapped to (workspace folders; the CLI: its cwd). */
  readonly workspaceRoots?: readonly string[];
  readonly log?: Log;
  readonly maxFileBytes?: number;
  /** Ends the capture early (what was sampled so far is kept). */
  readonly signal?: AbortSignal;
}

interface CaptureBase {
  readonly pid: number;
  readonly startedAtMs: number;
  readonly durationMs: number;
  /** The inspector port used, and whether this capture opened (and closed) it. */
  readonly port: number;
  readonly openedInspector: boolean;
}

export interface CpuCapture extends CaptureBase {
  readonly ok: true;
  readonly kind: 'cpu';
  /** The .cpuprofile file's text. */
  readonly fileText: string;
  readonly summary: CpuSummary;
}

export interface HeapCapture extends CaptureBase {
  readonly ok: true;
  readonly kind: 'heap';
  /** The .heapprofile file's text: the second moment's sampling profile. */
  readonly fileText: string;
  readonly summary: HeapSummary;
}

export interface CaptureFailure {
  readonly ok: false;
  readonly message: string;
}

export type CpuCaptureResult = CpuCapture | CaptureFailure;
export type HeapCaptureResult = HeapCapture | CaptureFailure;

/** Checks a duration against the bounds; a sentence when it is out of them. */
export function checkDuration(durationMs: number): string | undefined {
  if (!Number.isFinite(durationMs) || durationMs < MIN_PROFILE_DURATION_MS || durationMs > MAX_PROFILE_DURATION_MS) {
    return l10n.t('A profile lasts from {0} s to {1} s, not {2} s.', MIN_PROFILE_DURATION_MS / 1000, MAX_PROFILE_DURATION_MS / 1000, Math.round(durationMs) / 1000);
  }
  return undefined;
}

/** CPU profile of a running Node process for `durationMs` (the Profiler domain, 1 ms sampling). */
export function captureCpuProfile(opts: CaptureOptions): Promise<CpuCaptureResult> {
  return withInspector(opts, 'cpu', async (client, ins, startedAtMs) => {
    await client.send('Profiler.enable');
    await client.send('Profiler.setSamplingInterval', { interval: 1000 });
    await client.send('Profiler.start');
    await reoptimizeWithInlineFrames(client);
    const actualMs = await waitFor(client, opts, opts.durationMs);
    const { profile } = await client.send<{ profile: CpuProfile }>('Profiler.stop', {}, 60_000);
    await client.send('Profiler.disable').catch(() => undefined);
    const fileText = JSON.stringify(profile);
    checkSize(fileText, opts);
    const summary = summarizeCpuProfile(profile, new SourceLocator(opts.workspaceRoots ?? []));
    return { ok: true, kind: 'cpu', pid: opts.pid, startedAtMs, durationMs: actualMs, port: ins.port, openedInspector: ins.openedByUs, fileText, summary };
  });
}

/**
 * Code V8 optimised before the profiler started has no record of what it inlined,
 * so a hot function inlined into its caller is charged to the caller (seen: the
 * example's burnCpu inside onChat after a minute of load). Selecting precise
 * coverage deoptimises every function; switching it off again at once leaves the
 * program as it was, and what is optimised again while the profiler runs keeps its
 * inlined frames. Costs a moment of interpreted code at the profile's start.
 */
async function reoptimizeWithInlineFrames(client: CdpClient): Promise<void> {
  await client.send('Profiler.startPreciseCoverage', { callCount: false, detailed: false });
  await client.send('Profiler.stopPreciseCoverage');
}

/**
 * Sampling heap profile at two moments, half the duration apart, and what grew
 * between them by allocation site. A full GC runs before each moment, so what is
 * compared is what survived (a leak), not what was about to be collected.
 */
export function captureHeapDiff(opts: CaptureOptions): Promise<HeapCaptureResult> {
  return withInspector(opts, 'heap', async (client, ins, startedAtMs) => {
    await client.send('HeapProfiler.enable');
    await client.send('HeapProfiler.startSampling', { samplingInterval: 32 * 1024 });
    try {
      const half = opts.durationMs / 2;
      await waitFor(client, opts, half);
      await client.send('HeapProfiler.collectGarbage', {}, 30_000);
      const { profile: before } = await client.send<{ profile: SamplingHeapProfile }>('HeapProfiler.getSamplingProfile', {}, 30_000);
      const firstAt = Date.now();
      await waitFor(client, opts, half);
      await client.send('HeapProfiler.collectGarbage', {}, 30_000);
      const { profile: after } = await client.send<{ profile: SamplingHeapProfile }>('HeapProfiler.getSamplingProfile', {}, 30_000);
      const intervalMs = Date.now() - firstAt;
      const fileText = JSON.stringify(after);
      checkSize(fileText, opts);
      const summary = diffHeapProfiles(before, after, intervalMs, new SourceLocator(opts.workspaceRoots ?? []));
      return { ok: true, kind: 'heap', pid: opts.pid, startedAtMs, durationMs: Date.now() - startedAtMs, port: ins.port, openedInspector: ins.openedByUs, fileText, summary };
    } finally {
      if (!client.isClosed) {
        await client.send('HeapProfiler.stopSampling').catch(() => undefined);
        await client.send('HeapProfiler.disable').catch(() => undefined);
      }
    }
  });
}

function checkSize(text: string, opts: CaptureOptions): void {
  const max = opts.maxFileBytes ?? DEFAULT_MAX_PROFILE_FILE_BYTES;
  if (text.length > max) {
    throw new ProfileError(l10n.t('The profile is {0} MiB, over the {1} MiB limit; capture a shorter one.', Math.round(text.length / 1048576), Math.round(max / 1048576)));
  }
}

/** Waits `ms`, or less when aborted; rejects when the connection ends meanwhile. */
async function waitFor(client: CdpClient, opts: CaptureOptions, ms: number): Promise<number> {
  const start = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const closed = client.whenClosed();
  try {
    const outcome = await Promise.race([
      new Promise<'time'>((r) => {
        timer = setTimeout(() => r('time'), ms);
      }),
      new Promise<'aborted'>((r) => {
        if (opts.signal?.aborted) {
          r('aborted');
        }
        onAbort = () => r('aborted');
        opts.signal?.addEventListener('abort', onAbort, { once: true });
      }),
      closed,
    ]);
    if (outcome instanceof CdpError) {
      throw outcome;
    }
    return Date.now() - start;
  } finally {
    clearTimeout(timer);
    if (onAbort) {
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }
}

async function withInspector<T extends CpuCapture | HeapCapture>(
  opts: CaptureOptions,
  what: 'cpu' | 'heap',
  body: (client: CdpClient, ins: OpenInspector, startedAtMs: number) => Promise<T>,
): Promise<T | CaptureFailure> {
  const bad = checkDuration(opts.durationMs);
  if (bad) {
    return { ok: false, message: bad };
  }
  const log = opts.log ?? (() => undefined);
  return exclusive(async () => {
    let ins: OpenInspector | undefined;
    try {
      ins = await openInspector(opts.pid, log);
      return await body(ins.client, ins, Date.now());
    } catch (e) {
      return { ok: false as const, message: await failureSentence(e, opts.pid, what) };
    } finally {
      if (ins) {
        await closeInspector(ins, log).catch((e: unknown) => log(l10n.t('Closing the inspector of process {0} failed: {1}', opts.pid, e instanceof Error ? e.message : String(e))));
      }
    }
  });
}

async function failureSentence(e: unknown, pid: number, kind: 'cpu' | 'heap'): Promise<string> {
  if (e instanceof ProfileError) {
    return e.message;
  }
  const what = kind === 'cpu' ? l10n.t('CPU profile') : l10n.t('heap profile');
  if (e instanceof CdpError) {
    if (e.kind === 'closed' && !(await aliveAfterExitWindow(pid))) {
      return l10n.t('Process {0} exited during the {1}; nothing was written.', pid, what);
    }
    if (e.kind === 'closed') {
      return l10n.t('Process {0} closed its inspector during the {1} (another debugger, or the program itself); nothing was written.', pid, what);
    }
    return l10n.t('The {0} of process {1} failed: {2}', what, pid, e.message);
  }
  return l10n.t('The {0} of process {1} failed: {2}', what, pid, e instanceof Error ? e.message : String(e));
}

/**
 * Whether the process still lives once a dying one would be seen dead. A killed process
 * closes its sockets before the kernel marks it a zombie, so the inspector's connection
 * can end while /proc still shows it running: look again for up to a second before
 * saying it closed its inspector on purpose.
 */
async function aliveAfterExitWindow(pid: number): Promise<boolean> {
  for (let i = 0; i < 20; i++) {
    if (!isAlive(pid)) {
      return false;
    }
    await new Promise<void>((r) => setTimeout(r, 50));
  }
  return isAlive(pid);
}
