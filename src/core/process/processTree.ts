/**
 * The processes a watched process started (cluster workers, `WEB_CONCURRENCY`, a
 * child it spawned), read from /proc/PID/task/TID/children: one small file per thread
 * of each process in the tree, no scan of all of /proc.
 *
 * Read synchronously, every tick: the files are generated in memory and bounded by
 * MAX_TREE_PROCESSES, and through fs.promises the same reads (a readdir and a
 * readFile per thread, each a thread-pool round trip, a FileHandle and its promises)
 * cost about 10× the CPU — over a millisecond a tick for one 7-thread node server.
 */
import { readdirSync } from 'node:fs';
import { isGoneError, PROC_ROOT, ProcFile, readProcFileSync } from './procfs';

/** More than this is not a chat server's workers; the rest is left out (and said so by the caller). */
export const MAX_TREE_PROCESSES = 256;

/** Reads a thread's children file (relative to /proc); throws the fs error. */
type ReadChildren = (relativePath: string) => string;

/** Direct children of a process (every thread's list: a child forked from another thread is in that thread's file). */
function childrenOf(pid: number, read: ReadChildren = readProcFileSync): number[] {
  let tids: string[];
  try {
    tids = readdirSync(`${PROC_ROOT}/${pid}/task`);
  } catch (err) {
    if (isGoneError(err)) return [];
    throw err;
  }
  const out: number[] = [];
  for (const tid of tids) {
    let text: string;
    try {
      text = read(`${pid}/task/${tid}/children`);
    } catch (err) {
      if (isGoneError(err)) continue;
      throw err;
    }
    if (text === '') continue;
    for (const part of text.split(' ')) {
      const n = Number(part);
      if (part.trim() !== '' && Number.isInteger(n) && n > 0) out.push(n);
    }
  }
  return out;
}

/** Threads' children files a ProcessTreeReader keeps open at most: the root's and its first workers' threads. */
export const MAX_KEPT_CHILDREN_FILES = 64;

/**
 * descendantsOf for a watcher that walks the same tree every tick: each thread's
 * children file stays open and is re-read (ProcFile), so a tick costs the task
 * listings and one pread per thread, not an open and a close per thread as well
 * (~75 → ~30 µs CPU a tick for the example server's 11 threads). The threads are
 * still listed every tick, so a new thread's children are seen at once; a file
 * whose thread was not in this walk is closed. Close it with `close()`.
 */
export class ProcessTreeReader {
  private readonly files = new Map<string, { readonly file: ProcFile; walk: number }>();
  private walk = 0;
  private readonly read: ReadChildren = (path) => this.readKept(path);
  /** Closes a kept file whose thread was not in the latest walk (deleting during forEach is safe). */
  private readonly closeUnwalked = (e: { file: ProcFile; walk: number }, path: string): void => {
    if (e.walk !== this.walk) {
      e.file.close();
      this.files.delete(path);
    }
  };

  /** Children files held open now (tests). */
  get openFiles(): number {
    return this.files.size;
  }

  descendants(pid: number): number[] {
    this.walk++;
    try {
      return descendantsOfSync(pid, this.read);
    } finally {
      // forEach, not for-of over entries: no [path, entry] array per kept file a tick.
      this.files.forEach(this.closeUnwalked);
    }
  }

  close(): void {
    for (const e of this.files.values()) e.file.close();
    this.files.clear();
  }

  private readKept(path: string): string {
    let e = this.files.get(path);
    if (e === undefined) {
      if (this.files.size >= MAX_KEPT_CHILDREN_FILES) return readProcFileSync(path);
      e = { file: new ProcFile(path), walk: this.walk };
      this.files.set(path, e);
    }
    e.walk = this.walk;
    try {
      return e.file.read();
    } catch (err) {
      // A kept fd of a thread that ended fails even if a new thread got its id: the
      // file was closed, so one more read opens the one listed now.
      if (!isGoneError(err)) throw err;
      return e.file.read();
    }
  }
}

/**
 * Every descendant of `pid` (children, their children…), breadth first, at most
 * `MAX_TREE_PROCESSES - 1` of them. Throws only when /proc cannot be read at all
 * (no `children` file: a kernel without CONFIG_PROC_CHILDREN).
 */
export function descendantsOf(pid: number): Promise<number[]> {
  try {
    return Promise.resolve(descendantsOfSync(pid));
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}

function descendantsOfSync(pid: number, read: ReadChildren = readProcFileSync): number[] {
  const seen = new Set<number>([pid]);
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0 && out.length < MAX_TREE_PROCESSES - 1) {
    const cur = queue.shift()!;
    for (const child of childrenOf(cur, read)) {
      if (!seen.has(child) && out.length < MAX_TREE_PROCESSES - 1) {
        seen.add(child);
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}
