/**
 * Each lane's window keeps a history of its own: the runs its Compare Runs offers (and
 * its report and dashboard read) are the ones that began in it, never an earlier lane's.
 * The lanes open workspace folders of their own (run.ts `laneFolder`); read early in the
 * lane, before the dashboard check swaps the history for hours written on purpose.
 */
import * as path from 'path';
import { runsOfLog } from '../../../src/core/store/historyRecorder';
import { HistoryLog } from '../../../src/core/store/historyLog';
import type { E2eCheck } from '../support/check';
import { historyDirs } from '../support/historyHours';
import { waitUntil } from '../support/workbenchUi';

/** The lane's history holds no run that began before its window opened. */
export function ownHistoryCheck(w: { readonly name: string; readonly order: number; readonly locale?: string }): E2eCheck {
  return {
    name: w.name,
    order: w.order,
    ...(w.locale ? { locale: w.locale } : {}),
    timeoutMs: 40000,
    async run(wb) {
      // The extension opens its history as it activates: the folder appears then.
      await waitUntil(wb, "this workspace's history folder", async () => historyDirs(wb).length > 0, 30000);
      const dir = historyDirs(wb)[0]!;
      // Read as Compare Runs reads it (HistoryRecorder.runs), beside the extension that writes it.
      const { log } = HistoryLog.open(dir, { readOnly: true });
      const runs = (() => {
        try {
          return runsOfLog(log);
        } finally {
          log.dispose();
        }
      })();
      const opened = new Date(wb.openedAtMs).toISOString();
      const workspace = path.basename(wb.env.folder);
      console.log(`    history of workspace "${workspace}": ${runs.length} run(s) on disk; the window opened at ${opened}`);
      const earlier = runs.filter((r) => r.startMs < wb.openedAtMs);
      if (earlier.length > 0) {
        throw new Error(`the history of "${workspace}" holds ${earlier.length} run(s) from before this window opened (${opened}), an earlier lane's: ${earlier.map((r) => `pid ${r.pid} at ${new Date(r.startMs).toISOString()}`).join(', ')}`);
      }
    },
  };
}

export const checks: E2eCheck[] = [
  ownHistoryCheck({ name: "the window's history holds only its own runs: none from an earlier window (Compare Runs, the report and the dashboard read it)", order: 11 }),
  ownHistoryCheck({ name: 'zh-cn: the window\'s history holds only its own runs, none from the English window', order: 11, locale: 'zh-cn' }),
];
