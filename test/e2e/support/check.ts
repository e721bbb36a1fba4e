/**
 * The e2e check registry: every file in test/e2e/checks/ named `*.check.ts` exports
 * `checks: E2eCheck[]`; the runner loads them all, sorts by `order`, and runs them
 * one after another in the same workbench. A new capability (report, dashboard,
 * notification) adds its own file — no list to edit.
 */
import type { Workbench } from './workbench';

export interface E2eCheck {
  /** What a reader of the log should see: "status bar shows live CPU % and memory". */
  readonly name: string;
  /** Smaller runs first; checks that change the workbench (open editors) come later. */
  readonly order: number;
  /** Longest time the check may take; the runner fails it after this. */
  readonly timeoutMs?: number;
  /** Runs only in a workbench with this display language (CRM_E2E_LOCALE); checks without one run in the English workbench. */
  readonly locale?: string;
  /** Throws (with a sentence) when the check fails. The runner takes a screenshot afterwards either way. */
  run(wb: Workbench): Promise<void>;
}
