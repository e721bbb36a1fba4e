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
import { isGoneError, PROC_ROOT, readProcFileSync } from './procfs';

/** More than this is not a chat server's workers; the rest is left out (and said so by the caller). */
export const MAX_TREE_PROCESSES = 256;

/** Direct children of a process (every thread's list: a child forked from another thread is in that thread's file). */
function childrenOf(pid: number): number[] {
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
      text = readProcFileSync(`${pid}/task/${tid}/children`);
    } catch (err) {
      if (isGoneError(err)) continue;
      throw err;
    }
    for (const part of text.split(' ')) {
      const n = Number(part);
      if (part.trim() !== '' && Number.isInteger(n) && n > 0) out.push(n);
    }
  }
  return out;
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

function descendantsOfSync(pid: number): number[] {
  const seen = new Set<number>([pid]);
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0 && out.length < MAX_TREE_PROCESSES - 1) {
    const cur = queue.shift()!;
    for (const child of childrenOf(cur)) {
      if (!seen.has(child) && out.length < MAX_TREE_PROCESSES - 1) {
        seen.add(child);
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}
