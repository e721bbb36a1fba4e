/**
 * Counts child processes started through node:child_process in this process.
 * Install it before anything that might keep a reference to the functions
 * (systeminformation copies `exec` at load time), i.e. before importing src/core.
 * exec → execFile → spawn call each other internally: only the outermost call counts.
 */
import childProcess from 'node:child_process';

const NAMES = ['spawn', 'exec', 'execFile', 'fork', 'spawnSync', 'execSync', 'execFileSync'] as const;

export interface SpawnCounter {
  /** Calls so far, by function name. */
  readonly byName: Readonly<Record<string, number>>;
  readonly total: number;
  /** Puts the original functions back. */
  uninstall(): void;
}

export function installSpawnCounter(): SpawnCounter {
  const counts: Record<string, number> = {};
  const originals = new Map<string, unknown>();
  let depth = 0;
  const cp = childProcess as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of NAMES) {
    const original = cp[name]!;
    originals.set(name, original);
    counts[name] = 0;
    cp[name] = function (this: unknown, ...args: unknown[]) {
      if (depth === 0) {
        counts[name]!++;
      }
      depth++;
      try {
        return original.apply(this, args);
      } finally {
        depth--;
      }
    };
  }
  return {
    byName: counts,
    get total() {
      return Object.values(counts).reduce((a, b) => a + b, 0);
    },
    uninstall() {
      for (const [name, fn] of originals) {
        cp[name] = fn as (...args: unknown[]) => unknown;
      }
    },
  };
}
