import * as l10n from '@vscode/l10n';
/**
 * Disk usage of the file system that holds the workspace, from one statfs call
 * (no `df` child process), computed the way df computes Use%.
 */
import { promises as fsp, statfsSync } from 'node:fs';
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
    return diskProblem(path, e);
  }
}

/**
 * Magic numbers (statfs f_type, linux/magic.h) of file systems whose statfs answers
 * from the superblock in memory: ext2/3/4, xfs, btrfs, tmpfs, overlayfs, f2fs, zfs,
 * ramfs, bcachefs, vfat, exfat. Not NFS, CIFS or FUSE (sshfs…): those ask a server
 * or a user-space daemon, which can stop answering.
 */
const LOCAL_FS_TYPES: ReadonlySet<number> = new Set([
  0xef53, 0x58465342, 0x9123683e, 0x01021994, 0x794c7630, 0xf2f52010, 0x2fc12fc1, 0x858458f6, 0xca451a4e, 0x4d44, 0x2011bab0,
]);

/**
 * Disk usage of one path, read the cheapest safe way. The first read is async and
 * learns the file system's type; once it is known to be local, reads are a blocking
 * statfs (a few µs, where the async call costs a thread-pool round trip). A network
 * or FUSE mount stays async for good: a blocking statfs on one that hangs would
 * freeze the extension host.
 */
export class DiskUsageReader {
  private local = false;

  constructor(readonly path: string) {}

  /** The usage now, when that can be read without waiting; undefined means call `read()`. */
  readNow(): DiskUsage | SourceProblem | undefined {
    if (!this.local) {
      return undefined;
    }
    try {
      return diskUsageOf(statfsSync(this.path));
    } catch (e) {
      // The folder went away or the mount changed: learn the type again, asynchronously.
      this.local = false;
      return diskProblem(this.path, e);
    }
  }

  /** The usage, asynchronously (and whether later reads may block). */
  async read(): Promise<DiskUsage | SourceProblem> {
    try {
      const s = await fsp.statfs(this.path);
      this.local = LOCAL_FS_TYPES.has(s.type);
      return diskUsageOf(s);
    } catch (e) {
      return diskProblem(this.path, e);
    }
  }
}

function diskProblem(path: string, e: unknown): SourceProblem {
  const code = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
  return {
    source: SYSTEM_SOURCE,
    message: l10n.t('Cannot read disk usage of "{0}" ({1}): open a workspace folder that exists, so its disk can be measured.', path, code),
  };
}
