/** The report's Operations section from the audit log (the same for VS Code and the CLI). */
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

/** The trigger in words: "you", "the supervisor", "rule mem-high (572 MiB > 477 MiB)". */
export function triggerText(t: AuditTrigger): string {
  switch (t.kind) {
    case 'user':
      return 'you';
    case 'cli':
      return 'the command line';
    case 'supervisor':
      return 'the supervisor';
    case 'rule': {
      const ev = t.evidence;
      const values = ev && ev.valueText !== undefined ? `: ${ev.valueText} ${ev.op ?? ''} ${ev.thresholdText ?? ''}`.trimEnd() : '';
      return `rule ${t.ruleId ?? '?'} (${t.alert ?? 'alert'}${values})`;
    }
  }
}
