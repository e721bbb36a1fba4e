import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as l10n from '@vscode/l10n';
import { analyze } from '../../../src/core/analyze/analyzer';
import type { CpuCapture, HeapCapture } from '../../../src/core/profile/capture';
import { profileLines } from '../../../src/core/profile/profileOutput';
import { VcsNoteCode, commitText, englishVcsNote, runStartData, runsFromEvents, vcsNoteText } from '../../../src/core/runs/runs';
import { HistoryLog } from '../../../src/core/store/historyLog';
import { SeriesStore } from '../../../src/core/store/seriesStore';
import { renderMarkdown } from '../../../src/core/report/markdown';
import { buildReport } from '../../../src/core/report/reportData';
import { scenario, windowOf } from '../analyze/scenario';
import { T0 } from '../analyze/synthetic';
import { OtlpReceiver } from '../../../src/core/traces/otlpReceiver';
import { reportTargetFrom } from '../../../src/core/report/reportData';
import { fakeClock } from '../helpers/fakeClock';
import { assertChinese, englishLiterals, inZhCn, inZhCnAsync, zhCnBundle } from '../helpers/zhCn';

/**
 * The last English sentences under zh-cn: the history's recovery after an unclean stop,
 * the report window's problems, the CLI's profile tables, why a run has no commit (a code
 * in the run data, the sentence written at display — old English run data too), the
 * Compare Runs labels, the Problems panel's error line, and one word for the supervisor.
 */

const root = path.resolve(__dirname, '../../../..');

/** Files whose every sentence goes through l10n.t (checked by {@link englishLiterals}). */
const TRANSLATED_FILES = [
  'src/core/store/historyLog.ts',
  'src/core/analyze/analyzer.ts',
  'src/core/profile/profileOutput.ts',
  'src/core/profile/pySpy.ts',
  'src/core/runs/runTracker.ts',
  'src/vscode/gitState.ts',
  'src/vscode/compareRunsCommand.ts',
  'src/vscode/logsController.ts',
  'src/core/monitor.ts',
  ...fs.readdirSync(path.join(root, 'src/cli')).filter((f) => f.endsWith('.ts')).map((f) => `src/cli/${f}`),
];

/** Literals that are not sentences for a reader: the product's name as a diagnostic source. */
const NOT_SENTENCES = new Set(['Chat-Room Monitor']);

const CODES: VcsNoteCode[] = ['noFolder', 'gitUnavailable', 'gitNoApi', 'gitFailed', 'gitDisabled', 'notRepository', 'noCommitYet', 'gitUnreadable'];

describe('the last English sentences, in Simplified Chinese', () => {
  it('no sentence of the history log, the report window, the profile tables, the runs, Compare Runs, the Problems panel, the monitor or the CLI is written outside l10n.t', () => {
    assert.deepEqual(TRANSLATED_FILES.flatMap((f) => englishLiterals(f, { errorsForDevelopers: true, usageLines: true, notSentences: NOT_SENTENCES })), []);
  });

  it("the history's recovery after an unclean stop says what it cut, in Chinese; English unchanged", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-zh-history-'));
    try {
      const { log } = HistoryLog.open(dir, { blockTicks: 2, retentionMs: Infinity });
      for (let i = 0; i < 6; i++) log.append(i * 1000, [{ name: 'process_cpu_usage_percent', labels: {}, value: i }]);
      log.dispose();
      const file = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.crmh'))!);
      const whole = fs.readFileSync(file);
      const reopen = (readOnly: boolean): readonly string[] => {
        fs.writeFileSync(file, whole.subarray(0, whole.length - 3));
        const { log: again, recovery } = HistoryLog.open(dir, { blockTicks: 2, retentionMs: Infinity, readOnly });
        again.dispose();
        return recovery.problems;
      };
      const zh = inZhCn(() => [...reopen(false), ...reopen(true)]);
      assert.equal(zh.length, 2, zh.join('\n'));
      const name = path.basename(file);
      assert.match(zh[0]!, new RegExp(`^${name.replace(/\./g, '\\.')}：在第 \\d+ 字节处发现被截断的记录；其后的 \\d+ 字节已截掉。$`));
      assert.match(zh[1]!, /字节不读取（文件保持原样）。$/);
      for (const s of zh) assertChinese(s, [/\S+\.crmh/g]);
      assert.match(reopen(false)[0]!, /: a record cut short at byte \d+; the \d+ bytes after it were cut off\.$/);
      // Not a segment at all: its header.
      fs.writeFileSync(file, Buffer.from('not a segment'));
      const bad = inZhCn(() => HistoryLog.open(dir, { readOnly: true }));
      bad.log.dispose();
      assert.match(bad.recovery.problems[0]!, /非历史数据段的文件头（magic 不符）/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the report window's problems are Chinese", () => {
    const problems = (): readonly string[] => [
      ...analyze(new SeriesStore(10), { fromMs: 5000, toMs: 1000, nowMs: 5000 }).problems,
      ...analyze(new SeriesStore(10), { fromMs: Number.NaN, toMs: 1000, nowMs: 5000 }).problems,
    ];
    assert.deepEqual(inZhCn(problems), ['报告时间窗口的结束早于开始；已交换开始与结束时间。', '报告时间窗口没有有效的开始或结束时间；请选择大于零的分钟数。']);
    assert.match(problems()[0]!, /^The report window ended before it started/);
  });

  it("the CLI's profile tables have Chinese headings whose columns stay over the numbers", () => {
    const cpu = { kind: 'cpu', pid: 42, startedAtMs: 0, durationMs: 10_000, summary: { samples: 9000, busyPercent: 61, hotFunctions: [{ function: 'burnCpu', file: '/w/faultInjection.js', line: 42, selfPercent: 61.04, totalPercent: 61.2, inWorkspace: true }] } } as unknown as CpuCapture;
    const heap = { kind: 'heap', pid: 42, startedAtMs: 0, durationMs: 10_000, summary: { intervalMs: 10_000, totalBytesBefore: 1 << 20, totalBytesAfter: 3 << 20, allocationSites: [{ function: 'push', file: '(native)', line: 0, growthBytes: 2 << 20, bytesBefore: 0, bytesAfter: 2 << 20, via: 'remember', inWorkspace: false }] } } as unknown as HeapCapture;
    const zh = inZhCn(() => [...profileLines(cpu), ...profileLines(heap)]);
    assert.equal(zh[0], '进程 42 的 CPU 性能剖析：10.0 秒，9000 个样本，61% 的时间在 CPU 上运行。');
    assert.match(zh[3]!, /^进程 42 在 10\.0 秒内的堆增长（采样到的存活字节 1(\.0)? MiB → 3(\.0)? MiB）：$/);
    assert.match(zh[5]!, / 经由 remember$/);
    // A Han character takes two terminal columns: the Chinese heads end where the English ones do.
    const columns = (s: string): number => [...s].reduce((w, c) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(c) ? 2 : 1), 0);
    const en = [...profileLines(cpu), ...profileLines(heap)];
    assert.equal(columns(zh[1]!.split('  函数')[0]!), en[1]!.split('  function')[0]!.length);
    assert.equal(columns(zh[4]!.split('  函数')[0]!), en[4]!.split('  function')[0]!.length);
    assert.equal(en[0], 'CPU profile of process 42: 10.0 s, 9000 samples, on CPU 61% of the time.');
  });

  it('why a run has no commit: a code in the run data, the sentence in the display language — run data written before the codes too', () => {
    // Every code's English sentence is the one stored in vcsNote (and the one older versions wrote).
    for (const code of CODES) assert.equal(vcsNoteText(code, 'boom'), englishVcsNote(code, 'boom'));
    const stored = JSON.parse(JSON.stringify(runStartData(42, 0, 'node server.js', { noteCode: 'gitFailed', detail: 'EACCES' }))) as Record<string, unknown>;
    assert.deepEqual([stored['vcsCode'], stored['vcsDetail'], stored['vcsNote']], ['gitFailed', 'EACCES', 'the Git extension did not start (EACCES), so runs are not tagged with a commit']);
    const old = { pid: 7, commit: null, vcsNote: 'git is turned off in VS Code (git.enabled), so runs are not tagged with a commit' };
    const unknown = { pid: 8, commit: null, vcsNote: 'some other version said this' };
    const runs = runsFromEvents([stored, old, unknown].map((data, i) => ({ timeMs: i * 1000, kind: 'runStart', data })), 5000);
    const zh = inZhCn(() => runs.map(commitText));
    assert.deepEqual(zh, ['没有提交（Git 扩展未能启动（EACCES），因此无法为运行标记提交）', '没有提交（VS Code 中的 Git 已关闭（git.enabled），因此无法为运行标记提交）', '没有提交（some other version said this）']);
    assert.equal(runs[1]!.vcsCode, 'gitDisabled');
    assert.equal(commitText(runs[1]!), 'no commit (git is turned off in VS Code (git.enabled), so runs are not tagged with a commit)');
    for (const code of CODES) assertChinese(inZhCn(() => vcsNoteText(code, 'EACCES')), [/\bAPI\b|\bGit\b|VS Code|git\.enabled|EACCES/g]);
  });

  it("Compare Runs' run names (in VS Code and the CLI), the Problems panel's error line and the CLI's Prometheus progress are Chinese", () => {
    const lines = (): string[] => [
      l10n.t('run of {0} (pid {1}, {2} s), {3}', '2026/11/30 23:45:12', 42, 60, l10n.t('no commit recorded')),
      l10n.t('run of {0} (pid {1}, {2} s, still running), {3}', '2026/11/30 23:45:12', 42, 60, l10n.t('no commit recorded')),
      l10n.t('{0}: {1} — {2}× in the server logs, last at {3}', 'TypeError', 'boom', 37, '23:45:12'),
    ];
    const zh = inZhCn(lines);
    assert.equal(zh[0], '2026/11/30 23:45:12 开始的运行（pid 42，60 秒），未记录提交');
    // The CLI's compare and Prometheus report, and the report of a monitor not started.
    const cli = (): string[] => [
      l10n.t('run {0} ({1}, pid {2}), {3}', '1764546312000', '2026-11-30T23:45:12.000Z', 42, l10n.t('no commit recorded')),
      l10n.t('reading the last {0} s of job "{1}" from {2}…', 900, 'chat', 'http://127.0.0.1:9090'),
      l10n.t('The monitor has not started yet.'),
    ];
    assert.deepEqual(inZhCn(cli), ['运行 1764546312000（2026-11-30T23:45:12.000Z，pid 42），未记录提交', '正在从 http://127.0.0.1:9090 读取 job "chat" 最近 900 秒的数据…', '监控尚未启动。']);
    assert.equal(cli()[0], 'run 1764546312000 (2026-11-30T23:45:12.000Z, pid 42), no commit recorded');
    assert.equal(zh[2], 'TypeError: boom — 在服务器日志中出现 37 次，最近一次于 23:45:12');
    for (const s of zh) assertChinese(s, [/TypeError|boom/g]);
    assert.equal(lines()[2], 'TypeError: boom — 37× in the server logs, last at 23:45:12');
  });

  it("the OTLP receiver's note in the report, and the report's server before the monitor knows its name, are Chinese", async () => {
    const receiver = new OtlpReceiver({ port: 0, clock: fakeClock(), onSpans: (spans) => ({ accepted: spans.length, dropped: 0 }) });
    const notes: string[] = [];
    receiver.onNote((n) => notes.push(n.message));
    try {
      const port = await inZhCnAsync(() => receiver.start());
      assert.deepEqual(notes, [`正在 http://127.0.0.1:${port} 上接收 OpenTelemetry 的 span 和日志（OTLP/HTTP；/v1/traces、/v1/logs）。`]);
    } finally {
      receiver.dispose();
    }
    const target = inZhCn(() => reportTargetFrom({ kind: 'unconfigured', message: l10n.t('Starting…') }));
    assert.deepEqual([target.name, target.detail], ['聊天服务器', '正在启动…']);
    assert.equal(reportTargetFrom({ kind: 'unconfigured', message: 'x' }).name, 'chat server');
  });

  it("the report's 'name: value' lines take the Chinese colon, and its advice names commands by their Chinese titles", () => {
    const store = scenario({});
    const report = buildReport({ target: { name: 'node', state: 'running', pid: 7 }, analysis: analyze(store, windowOf(store)), generatedAtMs: T0 + 1_800_000 });
    const text = inZhCn(() => renderMarkdown(report));
    assert.match(text, /^- 服务器运行时长：/m);
    assert.match(text, /^- 文件描述符上限：1,024$/m);
    assert.match(text, /^- 本机内存：16 GiB$/m);
    assert.doesNotMatch(text, /[\u4e00-\u9fff]: /);
    // A duration ending in a Han character takes no space before the next one: '需要 30 分钟的采样'.
    assert.match(text, /需要 30 分钟的采样/);
    assert.match(renderMarkdown(report), /^- File descriptor limit: 1,024$/m);
    // Advice that names a command names it as the palette shows it in Chinese.
    const bundle = zhCnBundle();
    assert.deepEqual(Object.values(bundle).filter((zh) => /Chat-Room Monitor: /.test(zh)), []);
    assert.deepEqual(Object.values(bundle).filter((zh) => zh.includes('监视器')), [], 'the monitor is 监控器');
  });

  it('the supervisor is 监管程序 in every Chinese text (the UI, the report, the CLI help)', () => {
    const bundle = zhCnBundle();
    const nls = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.zh-cn.json'), 'utf8')) as Record<string, string>;
    const texts = [...Object.values(bundle), ...Object.values(nls)];
    assert.deepEqual(texts.filter((t) => /守护进程|守护程序|监督程序/.test(t)), []);
    const supervisor = Object.entries(bundle).filter(([en]) => /\bsupervisor\b/i.test(en) && !/^crash\//.test(en));
    assert.ok(supervisor.length >= 6, `${supervisor.length} texts name the supervisor`);
    assert.deepEqual(supervisor.filter(([, zh]) => !zh.includes('监管程序')).map(([en]) => en), []);
  });
});
