import * as l10n from '@vscode/l10n';
/**
 * The process sampler where there is no /proc: `pidusage` (ps on macOS, wmic or
 * PowerShell on Windows). It knows CPU and RSS only, so fds and threads are
 * undefined and left out of the samples.
 */
import { loadPortableLibs } from './loadPortableLibs';
import type { ProcessSampleResult, ProcessSampler } from './processSampler';

type Pidusage = typeof import('pidusage');

export class PortableProcessSampler implements ProcessSampler {
  private readonly seen = new Set<number>();
  private lib: Pidusage | undefined;

  async sample(pid: number, _nowMs: number): Promise<ProcessSampleResult> {
    try {
      // Loaded on first use (its own bundle) so the Linux path never pays for it.
      this.lib ??= loadPortableLibs().pidusage;
      const s = await this.lib(pid);
      // pidusage's first figure for a pid covers the process' whole life, not the last interval.
      const first = !this.seen.has(pid);
      this.seen.add(pid);
      return {
        kind: 'ok',
        stats: {
          pid,
          cpuPercent: first ? undefined : s.cpu,
          rssBytes: s.memory,
          openFds: undefined,
          maxFds: undefined,
          threads: undefined,
          uptimeSeconds: s.elapsed / 1000,
          startTimeMs: s.timestamp - s.elapsed,
        },
      };
    } catch (e) {
      if (!isAlive(pid)) {
        this.seen.delete(pid);
        return { kind: 'gone', pid, message: l10n.t('The process with pid {0} has exited.', pid) };
      }
      return { kind: 'error', pid, message: l10n.t('Could not sample pid {0}: {1}.', pid, e instanceof Error ? e.message : String(e)) };
    }
  }

  /** Holds no descriptor (pidusage opens and closes its own). */
  dispose(): void {
    this.seen.clear();
  }

  forget(pid: number): void {
    this.seen.delete(pid);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
