import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { notificationFor, notificationText, summarize } from '../../../src/core/alerts/notificationThrottle';
import { Metric, Snapshot, TargetState } from '../../../src/core/model';
import { buildStatusView, StatusInput } from '../../../src/core/statusView';
import { SeriesStore } from '../../../src/core/store/seriesStore';
import { takeLangFlag, applyCliLanguage } from '../../../src/cli/lang';
import { COMMANDS } from '../../../src/cli/commands';
import { commandHelp } from '../../../src/cli/command';
import { displayLocale, useLocale } from '../../../src/core/i18n/locale';
import { inZhCn } from '../helpers/zhCn';
import { analyze } from '../../../src/core/analyze/analyzer';
import { renderMarkdown } from '../../../src/core/report/markdown';
import { buildReport, ReportAlert, ReportOperations } from '../../../src/core/report/reportData';
import type { LogsReport } from '../../../src/core/logs/logReport';
import type { TracesReport } from '../../../src/core/traces/traceAnalysis';
import type { ProfileEvidence } from '../../../src/core/profile/profileEvidence';
import { MB, scenario, windowOf } from '../analyze/scenario';
import { gaussian, mulberry32, T0 } from '../analyze/synthetic';
import { compareRuns, comparisonMarkdown, comparisonText } from '../../../src/core/runs/runComparison';
import { checkRegression } from '../../../src/core/runs/regressionCheck';
import type { RunSamples } from '../../../src/core/report/runSamples';
import { statusWithAlerts } from '../../../src/core/analyze/issue';
import { validateRules } from '../../../src/core/alerts/rule';
import { defaultRules } from '../../../src/core/alerts/defaults';
import { ruleTexts } from '../../../src/core/alerts/ruleTexts';
import { inertMarkdownText, visibleText } from '../../../src/core/text/inertText';
import { exitLine } from '../../../src/core/supervise/policy';

const running: TargetState = {
  kind: 'running',
  process: { pid: 4242, commandLine: 'node server.js', executable: 'node', ports: [8080], startTimeMs: 0, reason: 'pid 4242 listens on port 8080' },
};

function input(over: Partial<StatusInput> = {}): StatusInput {
  const store = new SeriesStore(10);
  store.append(1000, [
    { name: Metric.processCpuPercent, labels: {}, value: 12.4 },
    { name: Metric.processRssBytes, labels: {}, value: 148 * 1024 * 1024 },
  ]);
  const snapshot = { timeMs: 1000, tick: 1, target: running, samples: [], problems: [], durationMs: 1, skippedTicks: 0 } as Snapshot;
  return { nowMs: 1500, intervalMs: 1000, name: 'chat', target: running, snapshot, store, problems: [], configProblems: [], ...over };
}

describe('Simplified Chinese on the core surfaces', () => {
  it('the status bar item, tooltip and screen-reader label', () => {
    const v = inZhCn(() => buildStatusView(input({ alerts: [{ level: 'warning', title: 'CPU high' }], nowMs: 10_000 })));
    assert.match(v.text, /（数据过时）$/);
    assert.match(v.tooltip, /\| 内存（RSS） \| 148 MiB \|/);
    assert.match(v.tooltip, /\*\*活动告警（1）\*\*/);
    assert.match(v.tooltip, /\[打开仪表板\]\(command:chatroomMonitor\.openDashboard\)/);
    assert.match(v.ariaLabel, /^chat：CPU 百分之 12，内存 148 MiB，数据过时，1 条活动告警$/);
    // And back: English once the locale is English again.
    assert.match(buildStatusView(input()).tooltip, /\| Memory \(RSS\) \| 148 MiB \|/);
  });

  it("a long watched-side value cut short states its length in Chinese, within the cap, and cutting again changes nothing", () => {
    const long = 'chat_'.repeat(100);
    const cut = inZhCn(() => visibleText(long, 60));
    assert.match(cut, /^chat_chat_.*…（共 500 个字符）$/);
    assert.ok(cut.length <= 60, cut);
    assert.equal(inZhCn(() => visibleText(cut, 60)), cut);
    assert.match(inZhCn(() => inertMarkdownText(long, 80)), /…（共 500 个字符）$/);
    assert.match(visibleText(long, 60), /… \(500 characters\)$/);
  });

  it("the Start Server terminal's line when a run ends is Chinese, the exit's words and the error kept", () => {
    assert.equal(inZhCn(() => exitLine({ exitCode: 0, signal: null, expected: true })), '已停止：退出码 0');
    assert.match(inZhCn(() => exitLine({ exitCode: null, signal: 'SIGSEGV', expected: false, error: 'spawn ENOENT' })), /^已退出：.*SIGSEGV — spawn ENOENT$/);
    assert.equal(exitLine({ exitCode: 0, signal: null, expected: true }), 'stopped: exit code 0');
  });

  it('a critical notification says its level in a word, and the storm summary counts in Chinese', () => {
    const n = notificationFor({
      alert: { id: 'a', level: 'critical', title: 'CPU 99%', message: 'above 95% for 30 s' },
      from: 'pending',
      to: 'firing',
      notify: true,
    } as unknown as Parameters<typeof notificationFor>[0]);
    assert.ok(n);
    assert.equal(
      inZhCn(() => notificationText(n)),
      '严重 — CPU 99%：above 95% for 30 s',
    );
    const s = inZhCn(() => summarize([n, { ...n, level: 'warning' }]));
    assert.match(s.message, /^另有 2 条告警通知（1 严重，1 警告）：/);
  });

  it('the CLI takes --lang anywhere before --, else LC_ALL / LANG', () => {
    assert.deepEqual(takeLangFlag(['report', '--lang', 'zh-cn', '--port', '1']), { argv: ['report', '--port', '1'], lang: 'zh-cn' });
    assert.deepEqual(takeLangFlag(['run', '--lang=zh-CN', '--', 'node', '--lang', 'x']), { argv: ['run', '--', 'node', '--lang', 'x'], lang: 'zh-CN' });
    try {
      assert.equal(applyCliLanguage(['report'], { LANG: 'zh_CN.UTF-8' }).locale, 'zh-cn');
      assert.equal(displayLocale(), 'zh-cn');
      assert.equal(applyCliLanguage(['report', '--lang', 'en'], { LANG: 'zh_CN.UTF-8' }).locale, 'en');
    } finally {
      useLocale('en');
    }
  });
});

describe('the CLI in Simplified Chinese (the real program, as a user runs it)', function () {
  this.timeout(60_000);
  const cli = (args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } => {
    const main = path.resolve(__dirname, '../../../src/cli/main.js');
    const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, LC_ALL: '', LC_MESSAGES: '', LANG: 'C.UTF-8', ...env } });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('--lang zh-cn --help lists the commands in Chinese; a command\'s help has Chinese option lines', () => {
    const top = cli(['--lang', 'zh-cn', '--help']);
    assert.equal(top.status, 0);
    assert.match(top.stdout, /^用法：chatroom-monitor <command> \[options\]\n\n命令：\n {2}report +监控运行中的服务器一段时间，然后输出性能报告\n/);
    assert.match(top.stdout, /chatroom-monitor <command> --help 可查看单个命令的详细说明。/);
    const report = cli(['report', '--help', '--lang', 'zh-cn']);
    assert.equal(report.status, 0);
    assert.match(report.stdout, /^用法：chatroom-monitor report \(--port N/);
    assert.match(report.stdout, /\n {2}--port N +服务器监听 TCP 端口 N（会采集其 \/metrics）\n/);
    assert.match(report.stdout, /\n {2}-h, --help +显示此帮助\n$/);
    assert.deepEqual(englishLines(report.stdout), []);
    // Every other command's help, in process (the texts are read when help is made, not at load).
    for (const cmd of COMMANDS) {
      const help = inZhCn(() => commandHelp(cmd));
      assert.deepEqual(englishLines(help), [], cmd.name);
      assert.match(help.split('\n\n')[1]!, /[\u4e00-\u9fff]/, `${cmd.name}: description`);
    }
    // English without the flag: the same program, untouched.
    assert.match(cli(['--help']).stdout, /^Usage: chatroom-monitor <command> \[options\]\n\nCommands:\n {2}report +watch a running server/);
  });

  it('argument errors are Chinese sentences naming the flag, with --lang or with LANG=zh_CN.UTF-8', () => {
    const bad = cli(['report', '--port', '0x50', '--lang', 'zh-cn']);
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr, 'chatroom-monitor report: --port 必须是 1 到 65535 之间的整数，而不是“0x50”。\n');
    const unknown = cli(['report', '--bogus'], { LANG: 'zh_CN.UTF-8' });
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /^chatroom-monitor report: 未知选项 --bogus。\n\n用法：chatroom-monitor report /);
    const nothing = cli(['report'], { LC_ALL: 'zh_CN.UTF-8' });
    assert.match(nothing.stderr, /^chatroom-monitor report: 请指明要监控哪个服务器：--port N、--pid N 或 --pattern REGEX/);
    assert.match(cli(['compare', '--lang', 'zh-cn', 'one.json']).stderr, /^compare: 请给出两份 JSON 报告：基准和对比（收到 1 份）/);
    assert.match(cli(['frobnicate', '--lang', 'zh-cn']).stderr, /^chatroom-monitor: 未知命令“frobnicate”。/);
    assert.match(cli(['report', '--port', '0x50']).stderr, /--port must be a whole number from 1 to 65535, not "0x50"\./);
  });
});

/** Help lines whose text (after the flag column) has no Chinese: English left behind. */
function englishLines(help: string): string[] {
  return help.split('\n').filter((l) => /^ {2}(-\w, )?--/.test(l) && !/[\u4e00-\u9fff]/.test(l));
}

describe('the report in Simplified Chinese', () => {
  it('headings, table heads, levels and the status are Chinese; raw series names, units and JSON keys stay as they are', () => {
    const store = scenario({ process_resident_memory_bytes: (_i, m, g) => 100 * MB + 3 * MB * m + 0.5 * MB * g() });
    const analysis = analyze(store, { ...windowOf(store), memoryLimitBytes: 512 * MB });
    const history: ReportAlert[] = [{ id: 'h', level: 'critical', state: 'resolved', title: 'CPU high', message: 'CPU above 95%', startedMs: T0, endedMs: T0 + 90_000, peakValue: '97%' }];
    const report = buildReport({ target: { name: 'node', state: 'running', pid: 7 }, analysis, generatedAtMs: T0 + 1_800_000, alerts: { history } });
    const text = inZhCn(() => renderMarkdown(report));
    for (const h of ['## 结论', '## 服务器', '## 本机', '## 服务器自身的指标', '### 活动中', '### 历史', '## 问题与建议', '## 异常检测', '## 趋势与预测']) {
      assert.ok(text.includes(h), h);
    }
    assert.match(text, /\*\*状态：⚠️ 警告\*\*/);
    assert.match(text, /\| 指标 \| 最新 \| 平均 \| 中位数 \| p95 \| p99 \| 最小 \| 最大 \| 样本数 \|/);
    assert.match(text, /\| 服务器内存（RSS） \| 1\d\d MiB \|/);
    assert.match(text, /\| 🔴 严重 \| CPU high \|/);
    assert.doesNotMatch(text, /## Verdict|\| Metric \||Server memory/);
    // The same report in English afterwards: the locale is per call, not baked in at load.
    assert.match(renderMarkdown(report), /## Verdict[^]*\| Server memory \(RSS\) \|/);
  });

  it('the logs, traces, operations and profile sections and "How each figure was computed" are Chinese; span names and paths stay as they are', () => {
    const store = scenario({ process_resident_memory_bytes: (_i, m, g) => 100 * MB + 0.5 * MB * g() });
    const analysis = analyze(store, windowOf(store));
    const base = buildReport({ target: { name: 'node', state: 'running', pid: 7 }, analysis, generatedAtMs: T0 + 1_800_000 });
    const logs: LogsReport = {
      lines: 1200, linesPerSecond: 2, levels: { trace: 0, debug: 0, info: 1100, warn: 60, error: 40, fatal: 0 } as LogsReport['levels'],
      errorGroups: [{ type: 'TypeError', message: 'x is undefined', count: 40, firstSeen: new Date(T0).toISOString(), lastSeen: new Date(T0 + 60_000).toISOString(), frames: [{ file: 'server.js', line: 12, column: 3, inWorkspace: true }], regression: true } as unknown as LogsReport['errorGroups'][number]],
      access: { requests: 500, requestsPerSecond: 1.5, statusClasses: { '2xx': 480, '5xx': 20 }, latencyMs: { p50: 3, p95: 20, p99: 45 } } as unknown as LogsReport['access'],
      notes: [],
    };
    const traces: TracesReport = {
      spansReceived: 900, spansKept: 800, tracesKept: 100, bytesKept: 1, evictedTraces: 5, rejectedSpans: 0,
      operations: [{ name: 'POST /messages', service: 'chat', category: 'server', count: 100, errorRate: 0.01, p50Ms: 12, p95Ms: 80, p99Ms: 120 } as unknown as TracesReport['operations'][number]],
      breakdown: [{ operation: 'POST /messages', slowTraces: 10, thresholdMs: 70, shares: [{ name: 'db.query', category: 'db', percent: 60, ms: 420 }] } as unknown as TracesReport['breakdown'][number]],
      slowest: [{ name: 'POST /messages', durationMs: 130, error: true, traceId: 'abc123', spanCount: 2, spans: [{ name: 'db.query', depth: 1, status: 'ok', category: 'db', startOffsetMs: 2, durationMs: 100, selfMs: 100, criticalMs: 100 }] } as unknown as TracesReport['slowest'][number]],
      diagnosis: [], notes: [],
    };
    const operations: ReportOperations = { runs: 2, restartsBySupervisor: 1, crashLoop: false, entries: [{ time: '10:00:00', action: 'restart', trigger: 'crash', result: 'ok', exitCode: 1, delayMs: 500 } as unknown as ReportOperations['entries'][number]] };
    const profiles: ProfileEvidence[] = [{ kind: 'cpu', pid: 7, atMs: T0, durationMs: 10_000, rows: [{ function: 'spin', file: 'server.js', line: 40, inWorkspace: true, selfPercent: 70, totalPercent: 80 }] }];
    const report = { ...base, logs, traces, operations, profiles };
    const text = inZhCn(() => renderMarkdown(report));
    for (const h of ['## 日志', '## 链路追踪', '## 运维操作', '## 性能剖析', '## 各项数据的计算方法', '### 最慢的链路', '### 慢 `POST /messages` 的时间花在哪里', '### 进程 7 的 CPU 性能剖析']) {
      assert.ok(text.includes(h), h);
    }
    assert.match(text, /1,200 条日志，每秒 2 条（info 1,100, warn 60, error 40）。/);
    assert.match(text, /\| 错误 \| 次数 \| 首次出现 \| 最近出现 \| 位置 \|/);
    assert.match(text, /访问日志：500 个请求，每秒 1\.5 个/);
    assert.match(text, /60% `db\.query`（数据库），每条链路 42 ms/);
    assert.match(text, /2 次运行，监管程序重启 1 次。/);
    assert.match(text, /退出码 1；500 毫秒后/);
    assert.match(text, /70% 的 CPU 时间花在 `server\.js:40` 处的 `spin` 中。/);
    assert.match(text, /\*\*统计量\*\*/);
    assert.doesNotMatch(text, /## (Logs|Traces|Operations|Profile|How each figure was computed)|Slowest traces|log events|Access log|restarts? by the supervisor|share of their critical path/);
    // English again afterwards.
    assert.match(renderMarkdown(report), /## Logs[^]*## Traces[^]*## Operations[^]*## Profile[^]*## How each figure was computed/);
  });

  it('the analyzer\'s issues are written in the display language: title, summary, evidence and what to do', () => {
    const store = scenario({ process_resident_memory_bytes: (_i, m, g) => 100 * MB + 3 * MB * m + 0.5 * MB * g() });
    const zh = inZhCn(() => analyze(store, { ...windowOf(store), memoryLimitBytes: 512 * MB }));
    const leak = zh.issues.find((i) => i.id === 'memory-leak');
    assert.ok(leak, JSON.stringify(zh.issues.map((i) => i.id)));
    assert.equal(leak.title, '疑似内存泄漏');
    assert.match(leak.summary, /^服务器的内存（RSS）以 .+\/min 的速度持续上升（R² [01]\.\d\d）/);
    assert.deepEqual(leak.evidence.slice(0, 2).map((e) => e.label), ['RSS 增长', '直线拟合度（R²，采样数）']);
    assert.match(leak.recommendations.investigate[0]!, /^查找断开连接时没有清理的每用户状态/);
    // Commands in the advice stay as they are typed.
    assert.ok(leak.recommendations.now[0]!.includes('`node --heapsnapshot-signal=SIGUSR2 server.js`'));
    assert.deepEqual(zh.reasons, ['疑似内存泄漏']);
    // English again once the locale is English: nothing is fixed at load.
    assert.equal(analyze(store, { ...windowOf(store), memoryLimitBytes: 512 * MB }).issues.find((i) => i.id === 'memory-leak')?.title, 'Memory leak suspected');
  });
});

/** `n` seconds of a steady 10 msg/s server with p95 latency around `p95Ms` and the machine's CPU at `machine`. */
function run(seed: number, p95Ms: number, machine: number, n = 60): RunSamples {
  const g = gaussian(mulberry32(seed));
  const series = (level: number, sd: number): number[] => Array.from({ length: n }, () => Math.max(0, level + g() * sd));
  const samples = { cpuPercent: series(3, 0.3), messagesPerSecond: series(10, 0.1), activeUsers: Array.from({ length: n }, () => 10), latencyP95Ms: series(p95Ms, p95Ms / 10), machineCpuPercent: series(machine, 2).map((v) => Math.min(100, v)) };
  const mean = (v: number[]): number => v.reduce((a, y) => a + y, 0) / v.length;
  return { samples, summary: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, mean(v)])), commit: 'a'.repeat(40), dirty: true };
}

/** English words of three letters or more, once code spans, commits and the few kept terms are taken out. */
function englishWords(text: string): string[] {
  const kept = /\b(CPU|RSS|GC|MiB|ms|p\d\d|Cliff's|Not Found|http|Prometheus|metrics|moving-block bootstrap)\b/g;
  return (text.replace(/`[^`]*`/g, '').replace(kept, '').match(/\b[A-Za-z]{3,}\b/g) ?? []).filter((w) => !/^a+$/.test(w));
}

describe('comparisons, verdict reasons, rule texts and the methods in Simplified Chinese', () => {
  it('Compare Runs (Markdown), compare (text) and the regression warning are Chinese, with the caution; English again afterwards', () => {
    const c = inZhCn(() => compareRuns(run(1, 2, 97), run(2, 4, 99)));
    const md = inZhCn(() => comparisonMarkdown(c, { base: 'main', head: 'feature' }));
    assert.match(md, /^# 运行对比\n/);
    assert.match(md, /\| 指标 \| 基准均值 \| 对比均值 \| 变化 \| 差值区间 \|/);
    assert.match(md, /\| 消息延迟 p95 \(ms\) \| [\d.]+ \| [\d.]+ \| \+\d+\.\d% \| .* \| \*\*性能回退\*\* \|/);
    assert.match(md, /\| 服务器 CPU \(% 单核\) \|/);
    assert.match(md, /\*\*对比运行显著变差：\*\*消息延迟 p95 \d+%。/);
    assert.match(md, /\*\*注意：\*\* 基准运行中有 100% 的秒数、对比运行中有 100% 的秒数，本机 CPU 达到或超过 85%：消息延迟 p95 也会随本机上的其他工作而变化/);
    assert.match(md, /如何解读：/);
    assert.deepEqual(englishWords(md.replace(/main|feature/g, '')), []);
    const text = inZhCn(() => comparisonText(c));
    assert.match(text, /^基准：aaaaaaaaaaaa（有未提交的更改）\n对比：aaaaaaaaaaaa（有未提交的更改）\n/);
    assert.match(text, /\n消息延迟 p95：[\d.]+ → [\d.]+ ms（\+[\d.]+%，\d+% 区间 .*）——性能回退\n/);
    assert.match(text, /\n注意：基准运行/);
    const check = inZhCn(() => checkRegression(run(1, 2, 97), run(2, 4, 99)));
    assert.ok(check.kind === 'regression');
    assert.match(check.sentence, /^在相同负载下，本次运行（aaaaaaaaaaaa（有未提交的更改））明显差于上一次运行（.*）：消息延迟 p95 \+\d+% /);
    assert.match(comparisonMarkdown(compareRuns(run(1, 2, 97), run(2, 4, 99)), { base: 'main', head: 'feature' }), /^# Run comparison\n[^]*\| Message latency p95 \(ms\) \|[^]*\*\*regression\*\*/);
  });

  it('a firing alert that makes the verdict worse is a Chinese reason', () => {
    const r = inZhCn(() => statusWithAlerts('healthy', [], [{ level: 'warning', state: 'firing', title: '聊天服务器 CPU 偏高' } as Parameters<typeof statusWithAlerts>[2][number]]));
    assert.deepEqual(r, { status: 'warning', reasons: ['告警触发中：聊天服务器 CPU 偏高'] });
  });

  it("a rule's `for` reads as a Chinese duration inside the Chinese sentence, and stays as written in English", () => {
    const rule = validateRules(defaultRules()).rules.find((r) => r.id === 'target-down')!;
    assert.equal(inZhCn(() => ruleTexts(rule)).for, '5 秒');
    assert.equal(ruleTexts(rule).for, '5s');
  });

  it("the report's issue category and the methods' unscored series are Chinese", () => {
    const store = scenario({ process_resident_memory_bytes: (_i, m, g) => 100 * MB + 3 * MB * m + 0.5 * MB * g() });
    const analysis = analyze(store, { ...windowOf(store), memoryLimitBytes: 512 * MB });
    const report = buildReport({ target: { name: 'node', state: 'running', pid: 7 }, analysis, generatedAtMs: T0 + 1_800_000 });
    const text = inZhCn(() => renderMarkdown(report));
    assert.match(text, /\n\*\*.+\*\* · 内存\n/);
    assert.match(text, /不参与打分的序列：`_total\$`（计数器本身不参与打分，参与打分的是其速率）；/);
    assert.match(renderMarkdown(report), /### Memory leak suspected\n\n\*\*.+\*\* · memory\n[^]*`_total\$` \(counters are not scored, their rates are\); /);
  });
});
