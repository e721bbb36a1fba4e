/** The report's Operations section from the audit log (the same for VS Code and the CLI). */
import * as l10n from '@vscode/l10n';
import { ReportOperation, ReportOperations } from '../report/reportData';
import { AuditEntry, AuditTrigger } from './audit';

/** Entries at or after `fromMs`, most recent last, at most `limit` of them (the newest). */
export function operationsForReport(entries: readonly AuditEntry[], runs: number, fromMs = 0, limit = 100): ReportOperations {
  const inWindow = entries.filter((e) => Date.parse(e.time) >= fromMs);
  const undone = new Set(entries.flatMap((e) => (e.undoes ? [e.undoes] : [])));
  return {
    runs,
    restartsBySupervisor: inWindow.filter((e) => e.action === 'restart' && e.trigger.kind === 'supervisor').length,
    crashLoop: inWindow.some((e) => e.action === 'crashLoop'),
    entries: inWindow.slice(-limit).map((e): ReportOperation => ({
      time: e.time,
      action: e.action,
      trigger: triggerText(e.trigger),
      triggerKind: e.trigger.kind,
      ...(e.mode ? { mode: e.mode } : {}),
      result: e.result,
      ...(e.message ? { message: e.message } : {}),
      durationMs: e.durationMs,
      ...(e.exitCode !== undefined ? { exitCode: e.exitCode } : {}),
      ...(e.signal !== undefined ? { signal: e.signal } : {}),
      ...(e.delayMs !== undefined ? { delayMs: e.delayMs } : {}),
      ...(undone.has(e.id) ? { undone: true } : {}),
    })),
  };
}

/**
 * The trigger in words, in the display language: "you", "the supervisor",
 * "rule mem-high (Memory high: 572 MiB > 477 MiB)". The rule id and the alert's title stay as typed.
 */
export function triggerText(t: AuditTrigger): string {
  switch (t.kind) {
    case 'user':
      return l10n.t({ message: 'you', comment: 'who did an action: "the restart by you"' });
    case 'cli':
      return l10n.t({ message: 'the command line', comment: 'who did an action: "the restart by the command line"' });
    case 'supervisor':
      return l10n.t({ message: 'the supervisor', comment: 'who did an action: "the restart by the supervisor"' });
    case 'rule': {
      const ev = t.evidence;
      const alert = t.alert ?? l10n.t({ message: 'alert', comment: 'an alert without a title' });
      return ev && ev.valueText !== undefined
        ? l10n.t('rule {0} ({1}: {2})', t.ruleId ?? '?', alert, `${ev.valueText} ${ev.op ?? ''} ${ev.thresholdText ?? ''}`.trimEnd())
        : l10n.t('rule {0} ({1})', t.ruleId ?? '?', alert);
    }
  }
}
