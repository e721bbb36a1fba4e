/**
 * Disk usage of the file system that holds the workspace, from one statfs call
 * (no `df` child process), computed the way df computes Use%.
 */
import { promises as fsp } from 'node:fs';
import type { SourceProblem } from '../model';

export const SYSTEM_SOURCE = 'system';

/** The statfs fields disk usage needs (block counts in units of bsize). */
export interface FsBlocks {
  readonly bsize: number;
  readonly blocks: number;
  readonly bfree: number;
  readonly bavail: number;
}

export interface DiskUsage {
  readonly usedBytes: number;
  readonly totalBytes: number;
  /** used / (used + available to unprivileged users), as df computes Use%. */
  readonly percent: number;
}

/**
 * Disk usage as df reports it: the blocks reserved for root count neither as used
 * nor as available, so a disk can read 100% while root still has room.
 */
export function diskUsageOf(s: FsBlocks): DiskUsage {
  const usedBytes = (s.blocks - s.bfree) * s.bsize;
  const availBytes = s.bavail * s.bsize;
  const denominator = usedBytes + availBytes;
  return {
    usedBytes,
    totalBytes: s.blocks * s.bsize,
    percent: denominator > 0 ? (usedBytes / denominator) * 100 : 0,
  };
}

/** Disk usage of the file system holding `path`, or a problem sentence. */
export async function readDiskUsage(path: string): Promise<DiskUsage | SourceProblem> {
  try {
    return diskUsageOf(await fsp.statfs(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    return {
      source: SYSTEM_SOURCE,
      message: `Cannot read disk usage of "${path}" (${code}): open a workspace folder that exists, so its disk can be measured.`,
    };
  }
}
