import { execFileSync } from 'node:child_process';

/** The "optimised by TurboFan" bit of V8's `%GetOptimizationStatus` (OptimizationStatus::kTurboFanned, V8 11–12). */
export const TURBOFANNED = 1 << 6;

/**
 * How long a test waits on its child Node before it fails with the child's ETIMEDOUT.
 * The children need 0.1–1 s of CPU, but a machine at CI's load stretches that many
 * times: derive's GC child (0.9 s of CPU, 12–17 s wall at a load of 26–29 on the 2
 * cores) took 19.6, 22.5 and 13.3 s in a row beside two busy loops and the other
 * agents' work, past mocha's 20 s — the test then failed on time alone.
 */
export const CHILD_NODE_TIMEOUT_MS = 60_000;

/**
 * The timeout of a test that waits on such a child (`it(…).timeout(CHILD_NODE_TEST_TIMEOUT_MS)`):
 * above the child's own, so a hung child fails with its ETIMEDOUT, not with mocha's
 * 20 s, which a synchronous test that blocked for longer than that fails as well.
 */
export const CHILD_NODE_TEST_TIMEOUT_MS = CHILD_NODE_TIMEOUT_MS + 30_000;

/** Runs `script` in a fresh Node with V8 `flags` and returns what it printed (stdout). */
export function runNode(flags: string[], script: string): string {
  return execFileSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8', timeout: CHILD_NODE_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
}

/**
 * Runs `script` in a fresh Node with V8's natives syntax (`%OptimizeFunctionOnNextCall(f)`,
 * `%GetOptimizationStatus(f)`) and returns what it printed. For tests that a hot function,
 * once optimised, is not thrown away when a path is first taken late: each such deopt costs
 * another compile on V8's compiler threads (issue 20). No timing: V8 says whether the code
 * is still the optimised one.
 */
export function runWithNatives(script: string): string {
  return runNode(['--allow-natives-syntax'], script);
}

/** `require(…)` of a compiled module for such a script (`path` as `require.resolve` gives it). */
export function requireOf(path: string): string {
  return `require(${JSON.stringify(path)})`;
}

/**
 * Runs `script` in a fresh Node with V8's `--trace-opt` and says how many times each
 * function (by name) was compiled by TurboFan. For tests that a path the hot loop no
 * longer takes is not compiled at all: each compile is work on V8's compiler threads
 * (issue 20). V8 decides what to optimise from the bytecode each function ran (its
 * interrupt budget), not from time, so the counts hold on a loaded machine.
 */
export function optimisedFunctions(script: string): Map<string, number> {
  return compiledIn(traceOf(script, ['--trace-opt']));
}

/**
 * What `script` printed, run in a fresh Node with V8's trace `flags` (`--trace-opt`,
 * `--trace-turbo-inlining`). Compiles run on the main thread, each when V8 asks for it:
 * on the compiler threads a loaded machine could leave the last one unfinished at exit.
 */
export function traceOf(script: string, flags: readonly string[]): string {
  const sync = ['--no-concurrent-recompilation', '--no-concurrent-osr'];
  return runNode([...sync, ...flags], script);
}

/** How many times `--trace-opt`'s output says each function (by name) was compiled by TurboFan. */
export function compiledIn(out: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of out.matchAll(/^\[completed compiling 0x[0-9a-f]+ <JSFunction (\S*) /gm)) {
    counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  }
  return counts;
}
