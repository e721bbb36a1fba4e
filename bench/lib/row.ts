/**
 * One line of the benchmark table, and the JSON that carries it from a benchmark's
 * process to scripts/bench.mjs. Every raw figure travels in `raw` so the JSON
 * file can be checked without re-running anything.
 */

/** A measured figure: its headline value (a median unless said otherwise) and unit. */
export interface Figure {
  readonly value: number;
  readonly unit: string;
  /** The tail where it was measured (p99 of individual operations). */
  readonly p99?: number;
  /** Short words for the table ("CPU/tick", "wall"). */
  readonly what?: string;
}

/** How the budget reads and whether it holds (`undefined` when the row was skipped). */
export interface Budget {
  readonly text: string;
  readonly holds: boolean | undefined;
}

export interface BenchRow {
  /** Stable id for tools (e.g. `tick.floor`). */
  readonly id: string;
  /** What is measured, for people. */
  readonly figure: string;
  readonly ours: Figure | undefined;
  /** The comparison measured in the same run, if the row has one. */
  readonly comparison?: Figure & { readonly label: string };
  /** comparison / ours, or as `ratioMeaning` says. */
  readonly ratio?: number;
  readonly ratioMeaning?: string;
  readonly budget: Budget;
  /** Why a row was skipped, or what to keep in mind reading it. */
  readonly note?: string;
  readonly raw?: Record<string, unknown>;
}

/** What a benchmark gets from the runner. */
export interface BenchContext {
  /** One pass with tiny sizes: checks the benchmark still runs, its figures mean nothing. */
  readonly smoke: boolean;
  /** The example chat server the runner started (a real process with /metrics). */
  readonly target: { readonly pid: number; readonly port: number } | undefined;
  readonly repoRoot: string;
}

/** A skipped row: no figures, a sentence saying why and how to get them. */
export function skippedRow(id: string, figure: string, budgetText: string, note: string): BenchRow {
  return { id, figure, ours: undefined, budget: { text: budgetText, holds: undefined }, note };
}
