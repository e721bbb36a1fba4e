import assert from 'node:assert/strict';
import net from 'node:net';
import { systemClock } from '../../../src/core/clock';
import { parseConfig } from '../../../src/core/config';
import { createPrometheusWatch } from '../../../src/core/prometheus/promDeps';
import { ProcfsProcessLocator } from '../../../src/core/process/locator';
import { chooseServerProcess, executableOf, ProcessInfo } from '../../../src/core/process/processChoice';
import { parseTargetSpec } from '../../../src/core/process/targetSpec';
import { validateSettings } from '../../../src/core/settings/settings';
import { actionMarkers, timelineMarkers } from '../../../src/core/runs/timelineMarkers';
import type { AuditEntry } from '../../../src/core/supervise/audit';
import { RUN_START } from '../../../src/core/runs/runs';
import { assertChinese, inZhCn, inZhCnAsync } from '../helpers/zhCn';
import { analyze } from '../../../src/core/analyze/analyzer';
import { renderMarkdown } from '../../../src/core/report/markdown';
import { buildReport } from '../../../src/core/report/reportData';
import { notificationText } from '../../../src/core/alerts/notificationThrottle';
import { scenario, windowOf } from '../analyze/scenario';
import { describeExit } from '../../../src/core/supervise/policy';
import { freePort } from '../helpers/realPrometheus';
import { TraceWatcher } from '../../../src/core/traces/traceWatcher';

/**
 * What a wrong setting, a bad CLI value, a missing process or an unreachable Prometheus
 * says, in Simplified Chinese: the sentences a Chinese-speaking developer meets first.
 * Setting ids, values, regexes and addresses stay as typed inside the Chinese sentence.
 */

describe('sentences about settings, the process and Prometheus in Simplified Chinese', function () {
  this.timeout(30_000);

  it('a wrong setting says what is wrong and what is used instead, in Chinese; English unchanged', () => {
    const raw = {
      'target.port': 70000,
      sampleIntervalMs: 10,
      'target.commandPattern': '(',
      'history.minutes': 'x',
      'alerts.minimumLevel': 'loud',
      'prometheus.rateWindow': '10ms',
      'server.minUptime': '-1s',
    };
    const zh = inZhCn(() => validateSettings(raw).problems.map((p) => p.message));
    const byKey = (k: string): string | undefined => zh.find((m) => m.startsWith(`chatroomMonitor.${k}：`));
    assert.equal(byKey('target.port'), 'chatroomMonitor.target.port：70000 不是 TCP 端口；请使用 1 到 65535 之间的整数，或清除此设置。');
    assert.equal(byKey('sampleIntervalMs'), 'chatroomMonitor.sampleIntervalMs：10 超出 250–60000 ms 的范围；改用 250 ms。');
    assert.match(byKey('target.commandPattern')!, /^chatroomMonitor\.target\.commandPattern："\(" 不是有效的正则表达式（.+）；请修正，例如 "node \.\*server\\\.js"。$/);
    assert.equal(byKey('history.minutes'), 'chatroomMonitor.history.minutes："x" 不是数字；改用 60 分钟。');
    assert.match(byKey('alerts.minimumLevel')!, /^chatroomMonitor\.alerts\.minimumLevel："loud" 不是 .+ 之一；改用 "\w+"。$/);
    assert.equal(byKey('prometheus.rateWindow'), 'chatroomMonitor.prometheus.rateWindow："10ms" 短于 1 秒；请至少使用四个抓取间隔，例如 "1m"。');
    assert.equal(byKey('server.minUptime'), 'chatroomMonitor.server.minUptime："-1s" 是负数（"-1s"）；请使用时长，例如 "30s"。');
    for (const m of zh) {
      // The regex engine's own reason stays as V8 writes it; a setting's values are written as typed.
      assertChinese(m, [/（\/\(\/: [^）]*）/, /不是 [\w, ]+ 之一/]);
    }
    const en = validateSettings(raw).problems.map((p) => p.message);
    assert.ok(en.includes('chatroomMonitor.target.port: 70000 is not a TCP port; use a whole number from 1 to 65535, or clear it.'), en.join('\n'));
    assert.ok(en.includes('chatroomMonitor.history.minutes: "x" is not a number; using 60 minutes.'), en.join('\n'));
  });

  it('a bad metrics or Prometheus address, job or label matcher is a Chinese sentence', () => {
    const { problems } = inZhCn(() =>
      parseConfig({ 'metrics.url': 'localhost:8080/metrics', 'prometheus.url': 'http://prom.example:9090', 'prometheus.job': 'chat' }, { allowRemoteMetrics: false }),
    );
    const text = problems.map((p) => p.message);
    assert.ok(text.includes('chatroomMonitor.metrics.url 前面缺少 http://（"localhost:8080/metrics"）：请写成 http://localhost:8080/metrics。'), text.join('\n'));
    assert.ok(text.some((m) => m.startsWith('chatroomMonitor.prometheus.url 指向 prom.example:9090，而它不是本机；')), text.join('\n'));
    const noJob = inZhCn(() => parseConfig({ 'prometheus.url': 'http://127.0.0.1:9090', 'prometheus.job': ' ' }).problems.map((p) => p.message));
    assert.ok(noJob.includes('chatroomMonitor.prometheus.job 为空：请指明 http://127.0.0.1:9090 上的 Prometheus 中哪个 job 是聊天服务器（即其抓取配置中的 job_name），例如 "chat"。'), noJob.join('\n'));
    const labels = inZhCn(() => parseConfig({ 'prometheus.url': 'http://127.0.0.1:9090', 'prometheus.job': 'chat', 'prometheus.labels': { job: 'x' } }).problems.map((p) => p.message));
    assert.deepEqual(labels, ['chatroomMonitor.prometheus.labels：已忽略 "job"：标签匹配器需要一个标签名（字母、数字或 _，且不能是 "job"）和一个文本值，例如 { "env": "staging" }。']);
  });

  it('what to watch: a bad pid or pattern, nothing configured, and why one of several processes was chosen', () => {
    const none = inZhCn(() => parseTargetSpec({}));
    assert.ok('message' in none);
    assert.equal(none.message, '尚未配置要监控的进程：请设置 chatroomMonitor.target.port（聊天服务器监听的端口）、chatroomMonitor.target.pid 或 chatroomMonitor.target.commandPattern，或者运行“选择要监控的进程”。');
    const pid = inZhCn(() => parseTargetSpec({ pid: -3 }));
    assert.ok('message' in pid);
    assert.match(pid.message, /^-3 不是有效的进程 ID（chatroomMonitor\.target\.pid）：请使用 1 到 \d+ 之间的整数，即 ps 或 top 显示的 PID。$/);
    const proc = (pid: number, commandLine: string, startTimeMs: number): ProcessInfo => {
      const args = commandLine.split(' ');
      return { pid, ppid: 1, args, commandLine, executable: executableOf(args, 'x'), startTimeMs };
    };
    const c = inZhCn(() => chooseServerProcess([proc(20, 'npm start', 500), proc(22, 'node server.js', 3000), proc(21, 'node server.js', 2000)], new Map()));
    assert.equal(c?.why, '；有 3 个进程符合条件，选中它是因为它不是 npm 或 sh 这类包装进程，在同级进程中最早启动，而没有选 pid 20 (npm start)，pid 22 (node server.js)');
  });

  it('the real locator says in Chinese which process it found, and that nothing listens on a port', async () => {
    const locator = new ProcfsProcessLocator();
    try {
      const port = await freePort();
      const nobody = await inZhCnAsync(() => locator.locate({ port }));
      assert.ok(!nobody.ok);
      assert.equal(nobody.message, `没有进程在监听 TCP 端口 ${port}（chatroomMonitor.target.port）。请启动聊天服务器，或更改端口。`);
      const server = net.createServer();
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const own = (server.address() as net.AddressInfo).port;
        const me = await inZhCnAsync(() => locator.locate({ pid: process.pid }));
        assert.ok(me.ok);
        assert.match(me.process.reason, new RegExp(`^pid ${process.pid} \\(.*\\) 是 chatroomMonitor\\.target\\.pid 中设置的 PID，正在监听端口 (?:\\d+, )*${own}(?:, \\d+)*。$`));
      } finally {
        server.close();
      }
    } finally {
      locator.dispose();
    }
  });

  it('a Prometheus that does not answer is a Chinese sentence naming the setting', async () => {
    const port = await freePort();
    const { config, problems } = parseConfig({ 'prometheus.url': `http://127.0.0.1:${port}`, 'prometheus.job': 'chat' });
    assert.deepEqual(problems, []);
    const w = inZhCn(() => createPrometheusWatch(config, { clock: systemClock, backfillMs: 0 })!.watch);
    try {
      const u = await inZhCnAsync(() => w.update());
      assert.equal(u.problem?.message, `http://127.0.0.1:${port}（chatroomMonitor.prometheus.url） 没有任何应答：Prometheus 在运行吗？那是它的地址吗（通常是 9090 端口）？`);
    } finally {
      w.dispose();
    }
  });

  it("the charts' lines for automated actions name the action and why in Chinese; a rule's id stays as written", () => {
    const entry = (ms: number, e: Partial<AuditEntry>): AuditEntry => ({ id: String(ms), time: new Date(ms).toISOString(), action: 'restart', trigger: { kind: 'supervisor' }, result: 'ok', durationMs: 5, ...e });
    const labels = inZhCn(() => actionMarkers([entry(1000, {}), entry(2000, { action: 'scale', trigger: { kind: 'rule', ruleId: 'memory-leak' }, result: 'failed' }), entry(3000, { action: 'cpuProfile', trigger: { kind: 'rule' } })], 0).map((m) => m.label));
    assert.deepEqual(labels, ['重启 · 崩溃', '调整规模 · memory-leak · 失败', 'CPU 性能剖析 · 规则']);
    assert.deepEqual(inZhCn(() => timelineMarkers([{ kind: RUN_START, timeMs: 1, data: {} }]).map((m) => m.label)), ['服务端']);
  });

  it("the report's early warning names the series in Chinese, and a toast joins title and message with a full-width colon", () => {
    const climbing = scenario({ process_cpu_usage_percent: (i, _m, g) => 10 + 2 * g() + (i > 2700 ? (i - 2700) / 60 : 0) }, { seconds: 3400 });
    const text = inZhCn(() => {
      const a = analyze(climbing, windowOf(climbing));
      return renderMarkdown(buildReport({ target: { name: 'node', state: 'running', pid: 7 }, analysis: a, generatedAtMs: a.window.toMs }));
    });
    assert.match(text, /提前预警：按当前趋势，服务器 CPU 约 .+ 后（.+ 前后）会超出正常范围（高于 [\d.]+% 即会被判为异常）/);
    const toast = { alertId: 'a', level: 'warning', kind: 'firing', title: '聊天服务器 CPU 偏高', message: '已持续 5 秒 超过 20%' } as const;
    assert.equal(inZhCn(() => notificationText(toast)), '聊天服务器 CPU 偏高：已持续 5 秒 超过 20%');
    assert.equal(notificationText({ ...toast, title: 'CPU high', message: 'above 20%' }), 'CPU high: above 20%');
  });

  it('how a run of the server ended, in Chinese (run, the Server output, the audit log)', () => {
    assert.deepEqual(inZhCn(() => [describeExit({ exitCode: 1, signal: null }), describeExit({ exitCode: null, signal: 'SIGKILL' }), describeExit({ exitCode: null, signal: null })]), ['退出码 1', '信号 SIGKILL', '未知状态']);
    assert.equal(describeExit({ exitCode: 1, signal: null }), 'exit code 1');
  });

  it("the OTLP receiver's sentence for a taken port, in Chinese (a second window of the same workspace meets it)", async () => {
    const first = new TraceWatcher({ clock: systemClock, port: 0 });
    const port = await first.start();
    try {
      const second = new TraceWatcher({ clock: systemClock, port, portSetting: 'chatroomMonitor.traces.port' });
      const zh = await inZhCnAsync(() => second.start().then(() => '', (err: Error) => err.message));
      second.dispose();
      assert.equal(zh, `127.0.0.1 上的端口 ${port} 已被占用（是 OpenTelemetry Collector 还是另一个监控器？）：请把 chatroomMonitor.traces.port 设为其他端口，或停止占用它的程序。`);
    } finally {
      first.dispose();
    }
  });
});
