/** Reads the runner's context (smoke mode, target server) from argv and the environment. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BenchContext } from './row';

/** The repository root: the nearest folder above this file with a package.json. */
export function findRepoRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) {
      throw new Error(`No package.json above ${from}: run the benchmarks from the repository.`);
    }
    dir = up;
  }
  return dir;
}

/** True for `--smoke` or BENCH_SMOKE=1 (any value but "" and "0"). */
export function isSmoke(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): boolean {
  const e = env.BENCH_SMOKE;
  return argv.includes('--smoke') || (e !== undefined && e !== '' && e !== '0');
}

/** The chat server the runner started, from BENCH_TARGET_PID / BENCH_TARGET_PORT. */
export function targetFromEnv(env: NodeJS.ProcessEnv = process.env): BenchContext['target'] {
  const pid = Number(env.BENCH_TARGET_PID);
  const port = Number(env.BENCH_TARGET_PORT);
  return Number.isInteger(pid) && pid > 0 && Number.isInteger(port) && port > 0 ? { pid, port } : undefined;
}

export function contextFromProcess(): BenchContext {
  return { smoke: isSmoke(), target: targetFromEnv(), repoRoot: findRepoRoot() };
}

/** The target, or an error sentence saying how to provide one. */
export function requireTarget(ctx: BenchContext): { pid: number; port: number } {
  if (!ctx.target) {
    throw new Error('No chat server to watch: run the benchmarks with `npm run bench`, which starts examples/chat-server and passes BENCH_TARGET_PID and BENCH_TARGET_PORT.');
  }
  return ctx.target;
}
