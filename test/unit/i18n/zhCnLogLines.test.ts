import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as l10n from '@vscode/l10n';
import { AuditLog } from '../../../src/core/supervise/audit';
import { fakeClock } from '../helpers/fakeClock';
import { assertChinese, inZhCn } from '../helpers/zhCn';

/**
 * The Output channel's lines (history, git, alerts, Prometheus, compare runs, report,
 * server, dashboard, the Logs and Traces views) follow the display language: no log call
 * in src/vscode writes an English sentence of its own, and each family reads in Chinese.
 */

const root = path.resolve(__dirname, '../../../..');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** A log call whose first argument is a string or template literal: `log.info('…')`, `this.log(\`…\`)`, `o.log?.(…)`. */
const LITERAL_LOG_CALL = /\b(?:log|this\.log|this\.parts\.log|o\.log\?\.)(?:\.(?:info|warn|error))?\(\s*(`(?:[^`\\]|\\.)*`|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/g;

describe('the Output channel in Simplified Chinese', () => {
  it('no log call in src/vscode or the profiler writes an English sentence outside l10n.t', () => {
    const english: string[] = [];
    for (const file of [...tsFiles(path.join(root, 'src/vscode')), ...tsFiles(path.join(root, 'src/core/profile'))]) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(LITERAL_LOG_CALL)) {
        // What is left once the interpolations are gone: a sentence if it has words.
        const words = m[1]!.replace(/\$\{[^}]*\}/g, '').match(/\b[a-z]{3,}\b/gi) ?? [];
        if (words.filter((w) => w !== 'stderr').length > 0) {
          english.push(`${path.relative(root, file)}: ${m[1]!.slice(0, 80)}`);
        }
      }
    }
    assert.deepEqual(english, []);
  });

  it('each family of log lines reads in Chinese; English unchanged', () => {
    const lines = (): string[] => [
      l10n.t('Snoozed {0} for {1} min.', 'cpu-high', 30),
      l10n.t('Exported {0} alert rules to {1}; check them with: promtool check rules {1}', 3, '/w/rules.yml'),
      l10n.t('Alert firing: {0} — {1}', '内存偏高', '572 MiB'),
      l10n.t('History could not be written to {0}: {1}. The monitor keeps working from memory.', '/s', 'ENOSPC'),
      l10n.t('Restored {0} ticks of history from disk (the last {1} min).', 120, 10),
      l10n.t('HEAD moved to {0}, not a commit made now (a checkout, a pull or the first reading): no line on the charts.', 'abc1234'),
      l10n.t('Prometheus credentials saved in the secret storage; the next query uses them.'),
      l10n.t('Compared run {0} with run {1}: {2}.', 3, 4, l10n.t('no common figure')),
      l10n.t('Report ({0}): status {1}, {2} issue(s), built in {3} ms.', 'last 15 minutes', 'ok', 0, '1.2'),
      l10n.t('Audit: {0} by {1} → {2}.', 'restart', l10n.t({ message: 'you', comment: 'who did an action: "the restart by you"' }), 'ok'),
      l10n.t('The dashboard could not {0}: {1}. It will retry on the next tick.', l10n.t('update the dashboard'), 'boom'),
      l10n.t('Log files could not be followed: {0}', 'EACCES'),
    ];
    const zh = inZhCn(lines);
    const asTyped = [/promtool check rules|\/[\w/.]+|cpu-high|HEAD|abc1234|last 15 minutes|restart|\bok\b|boom|ENOSPC|EACCES|\bms\b|MiB/g];
    for (const s of zh) assertChinese(s, asTyped);
    assert.equal(zh[0], '已暂停 cpu-high 30 分钟。');
    assert.equal(zh[9], '审计：restart，由你发起 → ok。');
    const en = lines();
    assert.equal(en[0], 'Snoozed cpu-high for 30 min.');
    assert.equal(en[9], 'Audit: restart by you → ok.');
  });

  it("the audit log's write failure and the server item's tooltip are Chinese", () => {
    const failure = (): string[] => {
      const said: string[] = [];
      const audit = new AuditLog({ clock: fakeClock(), file: '/dev/null/crm/audit.jsonl', onProblem: (s) => said.push(s) });
      audit.append({ action: 'stop', trigger: { kind: 'user' }, result: 'ok', durationMs: 0 });
      audit.dispose();
      return said;
    };
    const zh = inZhCn(failure);
    assert.equal(zh.length, 1);
    assert.match(zh[0]!, /^无法写入审计日志 \/dev\/null\/crm\/audit\.jsonl（ENOTDIR[^）]*）；操作仍会执行，并保存在内存中。/);
    assert.match(failure()[0]!, /^The audit log \/dev\/null\/crm\/audit\.jsonl could not be written \(ENOTDIR/);
    const tip = (): string => l10n.t('Chat-Room Monitor: the server it supervises is {0} (pid {1}, {2} runs). Click for Start, Stop, Restart, Audit Log and Undo.', l10n.t({ message: 'running', comment: "the supervised server's state" }), 42, 3);
    assert.equal(inZhCn(tip), 'Chat-Room 监控 — 所监管的服务器状态：运行中（pid 42，共 3 次运行）。点击可启动、停止、重启、查看审计日志和撤销。');
    assert.equal(tip(), 'Chat-Room Monitor: the server it supervises is running (pid 42, 3 runs). Click for Start, Stop, Restart, Audit Log and Undo.');
  });
});
