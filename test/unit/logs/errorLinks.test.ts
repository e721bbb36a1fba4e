import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analyze/analyzer';
import { linkErrorGroups, reportLinkEvents } from '../../../src/core/logs/errorLinks';
import { LogsReport, ReportErrorGroup } from '../../../src/core/logs/logReport';
import { renderMarkdown } from '../../../src/core/report/markdown';
import { buildReport } from '../../../src/core/report/reportData';
import { SeriesStore } from '../../../src/core/store/seriesStore';
import { AuditEntry } from '../../../src/core/supervise/audit';
import { operationsForReport } from '../../../src/core/supervise/operationsReport';

const T = Date.UTC(2026, 0, 1, 14, 2, 0);
const iso = (ms: number) => new Date(ms).toISOString();

function group(over: Partial<ReportErrorGroup> = {}): ReportErrorGroup {
  return {
    id: 'g1',
    count: 37,
    firstSeen: iso(T + 3000),
    lastSeen: iso(T + 30_000),
    type: 'TypeError',
    message: "Cannot read properties of undefined (reading 'user')",
    ratePerSecond: 1,
    regression: false,
    frames: [{ file: 'node:internal/x', line: 1, column: 1, inWorkspace: false }, { file: 'src/rooms.ts', line: 42, column: 7, inWorkspace: true }],
    ...over,
  };
}

describe('error groups linked to restarts, exits, alerts and issues', () => {
  it('says how long after a restart the errors began, naming the top group at its workspace frame', () => {
    const links = linkErrorGroups([group()], [
      { kind: 'start', timeMs: T - 50_000, label: 'the server started' },
      { kind: 'restart', timeMs: T, label: 'the restart by you' },
    ]);
    assert.equal(links.length, 1);
    assert.equal(links[0]!.kind, 'restart');
    assert.equal(links[0]!.offsetMs, 3000);
    assert.equal(links[0]!.sentence, "Errors began 3 s after the restart by you at 14:02:00 UTC; TypeError: Cannot read properties of undefined (reading 'user') at src/rooms.ts:42, 37×.");
  });

  it('a regression counts from its return; a restart over a minute before is not linked', () => {
    const regressed = group({ firstSeen: iso(T - 3_600_000), regression: true, regressedAt: iso(T + 1500) });
    assert.equal(linkErrorGroups([regressed], [{ kind: 'restart', timeMs: T, label: 'the supervisor restarted it' }])[0]!.offsetMs, 1500);
    assert.deepEqual(linkErrorGroups([group()], [{ kind: 'restart', timeMs: T - 120_000, label: 'x' }]), []);
  });

  it('links the exit the errors preceded, and alerts, anomalies and issues of the same minutes', () => {
    const events = reportLinkEvents({
      operations: { entries: [{ time: iso(T + 31_000), action: 'restart', trigger: 'the supervisor', result: 'ok', exitCode: 1, delayMs: 1000 }] },
      alerts: [{ title: 'Log errors above 1/s', startedMs: T + 33_000 }],
      incidents: [{ startMs: T + 5000, endMs: T + 40_000, series: ['chat_errors_per_second'] }],
      issues: [{ title: 'Latency rises with load', evidence: [{ window: { fromMs: T, toMs: T + 60_000 } }] }],
    });
    assert.deepEqual(events.map((e) => e.kind), ['exit', 'restart', 'alert', 'anomaly', 'issue']);
    const links = linkErrorGroups([group()], events);
    const sentences = links.map((l) => l.sentence);
    assert.match(sentences.find((s) => s.startsWith('The server exited'))!, /^The server exited \(code 1\) at 14:02:31 UTC, 1(\.0)? s after the last of TypeError/);
    assert.ok(sentences.includes("Alert “Log errors above 1/s” began 30 s after the errors (TypeError: Cannot read properties of undefined (reading 'user') at src/rooms.ts:42, 37×)."), sentences.join('\n'));
    assert.ok(sentences.some((s) => s.startsWith('An anomaly in chat_errors_per_second began 2 s after the errors')), sentences.join('\n'));
    assert.ok(links.length <= 4);
  });

  it('knows the supervisor\'s restart by the JSON\'s triggerKind, whatever language the report was written in', () => {
    // A report written under zh-cn, read by the CLI in English (compare, a CI job).
    const fromChinese = reportLinkEvents({ operations: { entries: [{ time: iso(T), action: 'restart', trigger: '监管程序', triggerKind: 'supervisor', result: 'ok', exitCode: 1, delayMs: 500 }] } });
    assert.deepEqual(fromChinese.map((e) => e.kind), ['exit', 'restart']);
    // A restart by you whose words happen to read "the supervisor" is still yours.
    const byYou = reportLinkEvents({ operations: { entries: [{ time: iso(T), action: 'restart', trigger: 'the supervisor', triggerKind: 'user', result: 'ok' }] } });
    assert.deepEqual(byYou.map((e) => e.kind), ['restart']);
    // The report's operations carry it.
    const ops = operationsForReport([{ id: 'a1', time: iso(T), action: 'restart', trigger: { kind: 'supervisor' }, result: 'ok', durationMs: 0 } as unknown as AuditEntry], 1);
    assert.equal(ops.entries[0]!.triggerKind, 'supervisor');
  });

  it('the report carries the links in logs.links and lists them, inert, in the Logs section', () => {
    const analysis = analyze(new SeriesStore(10), { fromMs: T - 60_000, toMs: T + 60_000, nowMs: T + 60_000 });
    const hostile = group({ message: '[click](command:workbench.action.terminal.new) \u202Eevil' });
    const logs: LogsReport = { linesPerSecond: 1, lines: 40, levels: { trace: 0, debug: 0, info: 3, warn: 0, error: 37, fatal: 0, unknown: 0 }, errorGroups: [hostile], notes: [] };
    const r = buildReport({
      target: { name: 'node', state: 'running', pid: 1 },
      analysis,
      generatedAtMs: T + 60_000,
      logs,
      operations: { runs: 2, restartsBySupervisor: 0, crashLoop: false, entries: [{ time: iso(T), action: 'restart', trigger: 'you', result: 'ok', durationMs: 100 }] },
    });
    assert.equal(r.logs?.links?.length, 1);
    assert.equal(r.logs!.links![0]!.kind, 'restart');
    const md = renderMarkdown(r);
    assert.match(md, /What the errors line up with:/);
    const line = md.split('\n').find((l) => l.startsWith('- Errors began 3 s after the restart by you'))!;
    assert.ok(line, md);
    assert.ok(!/[^\\]\]\(command:/.test(line), `the link is broken (escaped): ${line}`);
    assert.ok(line.includes('⟨U+202E⟩'), line);
  });
});
