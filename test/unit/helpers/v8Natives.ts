import { execFileSync } from 'node:child_process';

/** The "optimised by TurboFan" bit of V8's `%GetOptimizationStatus` (OptimizationStatus::kTurboFanned, V8 11–12). */
export const TURBOFANNED = 1 << 6;

/**
 * Runs `script` in a fresh Node with V8's natives syntax (`%OptimizeFunctionOnNextCall(f)`,
 * `%GetOptimizationStatus(f)`) and returns what it printed. For tests that a hot function,
 * once optimised, is not thrown away when a path is first taken late: each such deopt costs
 * another compile on V8's compiler threads (issue 20). No timing: V8 says whether the code
 * is still the optimised one.
 */
export function runWithNatives(script: string): string {
  return execFileSync(process.execPath, ['--allow-natives-syntax', '-e', script], { encoding: 'utf8', timeout: 60_000 });
}

/** `require(…)` of a compiled module for such a script (`path` as `require.resolve` gives it). */
export function requireOf(path: string): string {
  return `require(${JSON.stringify(path)})`;
}
