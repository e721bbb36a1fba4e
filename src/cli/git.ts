import { execFileSync } from 'node:child_process';

/** The commit and dirty state of the git work tree at `cwd`; undefined outside one or without git. */
export function gitState(cwd: string = process.cwd()): { commit: string; dirty: boolean } | undefined {
  try {
    const opts = { cwd, encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'], timeout: 5000 };
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], opts).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], opts).trim() !== '';
    return /^[0-9a-f]{40}$/.test(commit) ? { commit, dirty } : undefined;
  } catch {
    return undefined;
  }
}
