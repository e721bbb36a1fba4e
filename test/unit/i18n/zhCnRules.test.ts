import assert from 'node:assert/strict';
import { Alert } from '../../../src/core/alerts/alert';
import { compileAlertRules } from '../../../src/core/alerts/defaults';
import { validateRules } from '../../../src/core/alerts/rule';
import { ActionSpec, validateActions } from '../../../src/core/alerts/ruleActions';
import { ActionRunner } from '../../../src/core/supervise/actionRunner';
import { AuditLog } from '../../../src/core/supervise/audit';
import { Operations } from '../../../src/core/supervise/operations';
import { parseServerSettings } from '../../../src/core/supervise/serverSettings';
import { Supervisor, SupervisorEvent } from '../../../src/core/supervise/supervisor';
import { GroupTracker } from '../../../src/core/collect/groupTracker';
import { TargetTracker } from '../../../src/core/collect/targetTracker';
import type { TargetProcess } from '../../../src/core/model';
import type { LocateResult } from '../../../src/core/process/locator';
import { profileQuote } from '../../../src/core/profile/profileEvidence';
import { checkSameUser } from '../../../src/core/profile/inspector';
import { linkErrorGroups, reportLinkEvents } from '../../../src/core/logs/errorLinks';
import { localClusterMetricsNote } from '../../../src/core/report/markdown';
import { fakeClock } from '../helpers/fakeClock';
import { assertChinese, inZhCn, inZhCnAsync } from '../helpers/zhCn';
import { FakeLauncher } from '../supervise/fakeLauncher';

/**
 * What a wrong alert rule, a wrong chatroomMonitor.server.* setting, the supervisor
 * and the actions on the server say, in Simplified Chinese. Field names, rule ids,
 * values and operators stay as typed inside the Chinese sentence; English is unchanged.
 */

/** Field names and values a rule sentence quotes or lists as typed. */
const AS_TYPED = [/\{ "[^}]*\}/g, /\[\{[^\]]*\]/g, /"[\w.:*~=-]*"(?:、"[\w.:*~=-]*")*/g, /\bpid \d+/g];

describe('alert rules, server settings and the supervisor in Simplified Chinese', function () {
  this.timeout(30_000);

  it('every problem of a wrong alert rule is a Chinese sentence naming the rule; English unchanged', () => {
    const bad = [
      { id: 'cpu', metric: 'process_cpu_usage_percent', op: '>>', threshold: '80', level: 'warn', colour: 'red' },
      { id: 'cpu', metric: 'x', op: '>', threshold: 1 },
      { id: 'lat', metric: 'chat latency', op: '>', threshold: 1, for: '5 minutes', labels: { '1room': 'x', room: '=~(?=a)' } },
      { id: 'hyst', metric: 'm', op: '>', threshold: 80, clearThreshold: 90, level: 'warning' },
      { id: 'tpl', metric: 'm', op: '>', threshold: 80, level: 'info', unit: 5, title: 'x {{nope}}' },
      { id: 'an', kind: 'anomaly', metric: 'm', sensitivity: 'HIGH' },
      { id: 'fc', kind: 'forecast', metric: 'm', limit: 1, within: '0s' },
      { id: 'act', metric: 'm', op: '>', threshold: 1, level: 'error', actions: [{ do: 'reboot' }, { do: 'scale', workers: 0, mode: 'sometimes' }, { do: 'cpuProfile', duration: '2m', maxPerHour: 99 }, 7] },
      { kind: 'weird' },
      42,
    ];
    const zh = inZhCn(() => validateRules(bad).problems);
    assert.ok(zh.length >= 15, zh.join('\n'));
    for (const m of zh) {
      assertChinese(m, [...AS_TYPED, /\(\?=/g, /\{\{\w+(?:\.<?\w+>?)?\}\}/g]);
      assert.doesNotMatch(m, /Alert rule|rule \d+ of|must be|did you mean/, m);
    }
    const has = (s: string) => assert.ok(zh.includes(s), `${s}\n— not among —\n${zh.join('\n')}`);
    assert.ok(zh.some((m) => m.startsWith('告警规则 "cpu"（chatroomMonitor.alerts.rules 的第 1 条规则）有未知字段 "colour"；"threshold" 规则接受的字段为 "kind", "id", ')), zh.join('\n'));
    has('告警规则 "cpu"（chatroomMonitor.alerts.rules 的第 1 条规则）："op" 是文本 ">>"，不是 >、>=、<、<=、==、!= 之一。');
    has('告警规则 "cpu"（chatroomMonitor.alerts.rules 的第 1 条规则）："threshold" 是文本 "80"；请写成不带引号的数字：80。');
    has('告警规则 "cpu"（chatroomMonitor.alerts.rules 的第 1 条规则）："level" 是文本 "warn"，不是 "info"、"warning"、"error"、"critical" 之一（你是想写 "warning" 吗？）。');
    has('告警规则 "cpu"（chatroomMonitor.alerts.rules 的第 2 条规则）与前面某条规则的 id "cpu" 重复；请为每条规则取不同的 id（与内置规则同 id 的规则会修改那条内置规则）。');
    has('告警规则 "hyst"（chatroomMonitor.alerts.rules 的第 4 条规则）："clearThreshold" 90 必须位于阈值 80 的另一侧（不大于 80），这样告警只会在数值恢复正常后才解除。');
    has('告警规则（chatroomMonitor.alerts.rules 的第 10 条规则）必须是对象，例如 { "id": "cpu-high", "metric": "process_cpu_usage_percent", "op": ">", "threshold": 80, "level": "warning" }，而不是数字 42。');
    assert.ok(zh.some((m) => m.startsWith('告警规则 "lat"（chatroomMonitor.alerts.rules 的第 3 条规则）：标签 "room" 的正则表达式 "(?=a)" 无效（Prometheus 不支持先行断言和后行断言；')), zh.join('\n'));
    has('告警规则（chatroomMonitor.alerts.rules 的第 9 条规则）："kind" 是文本 "weird"；请使用 "threshold"（阈值，默认）、"targetDown"（目标离线）、"forecast"（预测）或 "anomaly"（异常检测）。');
    assert.ok(zh.some((m) => m.startsWith('告警规则 "act"（chatroomMonitor.alerts.rules 的第 8 条规则）的第 2 个操作："mode" 是文本 "sometimes"；')), zh.join('\n'));

    const en = validateRules(bad).problems;
    assert.equal(en.length, zh.length);
    assert.ok(en.includes('Alert rule "cpu" (rule 1 of chatroomMonitor.alerts.rules): "threshold" is the text "80"; write it as a number, without quotes: 80.'), en.join('\n'));
    assert.ok(en.includes('Alert rule "cpu" (rule 1 of chatroomMonitor.alerts.rules): "level" is the text "warn", not one of "info", "warning", "error", "critical" — did you mean "warning"?.'), en.join('\n'));
    assert.ok(en.includes('Alert rule "hyst" (rule 4 of chatroomMonitor.alerts.rules): "clearThreshold" 90 must be on the other side of the threshold 80 (at most 80), so the alert clears only once the value is back to normal.'), en.join('\n'));
  });

  it('the built-in rules: a wrong useDefaults or rules setting, and a change to a built-in rule, in Chinese', () => {
    const zh = inZhCn(() => compileAlertRules('all', 'yes').problems);
    assert.deepEqual(zh, [
      'chatroomMonitor.alerts.useDefaults 必须是 true 或 false，而不是文本 "yes"；内置规则保持开启。',
      'chatroomMonitor.alerts.rules 必须是规则列表，而不是文本 "all"；现在只使用内置规则。',
    ]);
    const changed = inZhCn(() => compileAlertRules([{ id: 'process-cpu-warning', threshold: 'high' }]).problems);
    assert.deepEqual(changed, ['告警规则 "process-cpu-warning"（内置规则，已被 chatroomMonitor.alerts.rules 的第 1 条规则修改）："threshold" 必须是数字，例如 80，而不是文本 "high"。']);
    assert.deepEqual(compileAlertRules([{ id: 'process-cpu-warning', threshold: 'high' }]).problems, [
      'Alert rule "process-cpu-warning" (built-in, changed by rule 1 of chatroomMonitor.alerts.rules): "threshold" must be a number such as 80, not the text "high".',
    ]);
  });

  it('a wrong chatroomMonitor.server.* setting is a Chinese sentence naming the setting', () => {
    const raw = { command: 5, args: 'server.js', cwd: [], env: { PORT: {} }, minUptime: '-1s', maxRestarts: 1.5 };
    const zh = inZhCn(() => parseServerSettings(raw, '/w').problems);
    assert.deepEqual(zh, [
      'chatroomMonitor.server.command 必须是一个程序，例如 "node" 或 "npm"，而不是数字 5。',
      'chatroomMonitor.server.args 必须是字符串列表，例如 ["server.js", "--port", "8080"]，而不是文本 "server.js"。',
      'chatroomMonitor.server.cwd 必须是一个文件夹（相对于工作区），而不是列表。',
      'chatroomMonitor.server.env："PORT" 必须是文本，而不是对象。',
      'chatroomMonitor.server.minUptime 是负数（"-1s"）；请使用时长，例如 "30s"。',
      'chatroomMonitor.server.maxRestarts 必须是 0 到 1000 之间的整数，而不是数字 1.5。',
    ]);
    assert.equal(parseServerSettings(raw, '/w').problems[0], 'chatroomMonitor.server.command must be a program such as "node" or "npm", not the number 5.');
  });

  it('the crash-loop alert is Chinese: title, message and how each run ended', async () => {
    const run = async () => {
      const clock = fakeClock();
      const launcher = new FakeLauncher();
      const sup = new Supervisor({ clock, launcher, name: '聊天服务器', policy: { minUptimeMs: 1000, maxRestarts: 2, windowMs: 60_000, firstDelayMs: 100 } });
      const events: SupervisorEvent[] = [];
      sup.onEvent((e) => events.push(e));
      sup.start({ command: 'node', args: ['server.js'] });
      for (let i = 0; i < 3; i++) {
        await clock.tickAsync(200);
        launcher.last.exit({ exitCode: i === 1 ? null : 1, signal: i === 1 ? 'SIGKILL' : null });
        await clock.tickAsync(300);
      }
      const loop = events.find((e) => e.type === 'crashLoop');
      assert.ok(loop && loop.type === 'crashLoop');
      return loop.alert;
    };
    const zh = await inZhCnAsync(run);
    assert.equal(zh.title, '崩溃循环：聊天服务器 重启 2 次后已停止');
    assert.equal(zh.message, '聊天服务器 在 60 秒内退出了 3 次，每次运行都不到 1000 ms（退出码 1，信号 SIGKILL）；现已保持停止状态。请查看它 stderr 的最后几行，修复原因后再重新启动。');
    const en = await run();
    assert.equal(en.title, 'Crash loop: 聊天服务器 stopped after 2 restarts');
    assert.match(en.message, /^聊天服务器 exited 3 times within 60 s, each time after less than 1000 ms \(exit code 1, signal SIGKILL\); it is left stopped\./);
  });

  it('what an action on the server did, or why it did not run, is Chinese in the audit log', async () => {
    const alert = { ruleId: 'mem-high', title: '内存偏高', level: 'warning', metric: 'process_resident_memory_bytes', labels: {}, value: 1, threshold: 0, op: '>' } as unknown as Alert;
    const specs = (list: object[]): ActionSpec[] => validateActions(list, 'r', []);
    const messages = await inZhCnAsync(async () => {
      const clock = fakeClock();
      const supervisor = new Supervisor({ clock, launcher: new FakeLauncher(), policy: { minUptimeMs: 1000 } });
      const audit = new AuditLog({ clock });
      const ops = new Operations({ clock, supervisor, audit });
      const out: string[] = [];
      const asked: string[] = [];
      let trusted = false;
      let actions = specs([{ do: 'restart', mode: 'dryRun' }]);
      const runner = new ActionRunner({
        clock,
        operations: ops,
        actionsOf: () => actions,
        trusted: () => trusted,
        ask: (q) => (asked.push(q), Promise.resolve(false)),
        allowAutomatic: () => Promise.resolve(false),
      });
      const fire = async () => (await clock.tickAsync(10 * 60_000), await runner.onTransition({ alert, from: 'pending', to: 'firing', reason: 'forElapsed', notify: true, timeMs: 0 }))[0]!.message!;
      out.push(await fire());
      trusted = true;
      out.push(await fire());
      out.push((await runner.onTransition({ alert, from: 'pending', to: 'firing', reason: 'forElapsed', notify: true, timeMs: 0 }))[0]!.message!);
      actions = specs([{ do: 'scale', workers: 3, mode: 'ask' }]);
      out.push(await fire(), asked[0]!);
      actions = specs([{ do: 'cpuProfile', mode: 'auto' }]);
      out.push(await fire());
      out.push((await ops.undoLast({ kind: 'user' })).message!);
      out.push((await ops.stop({ kind: 'user' })).message!);
      for (const spec of specs([{ do: 'cpuProfile' }, { do: 'heapProfile' }, { do: 'runTask', task: 'build' }, { do: 'command', command: 'make' }])) {
        out.push((await ops.runAction(spec, { kind: 'user' })).message!);
      }
      ops.start({ kind: 'user' }, { command: 'node', args: ['s.js'] });
      out.push((await ops.scale(2, { kind: 'user' })).message ?? '');
      out.push((await ops.undoLast({ kind: 'user' })).message!);
      out.push((await ops.scale(1, { kind: 'user' })).message!);
      await ops.stop({ kind: 'user' });
      audit.dispose();
      return out;
    });
    assert.deepEqual(messages, [
      '此工作区不受信任，因此监控器不会执行任何操作，也不会按其设置启动任何进程；请信任此工作区（管理工作区信任）以允许这些操作。',
      '演练：本应重启服务器。',
      '未执行：冷却中——上次运行在 0 秒前，冷却时间为 300 秒。',
      '用户拒绝了。',
      '告警“内存偏高”正在触发：要把服务器的工作进程从 1 个调整为 3 个吗？',
      '用户不允许在此工作区自动执行这类操作。',
      '没有可撤销的操作：重启、性能剖析、任务和命令行都无法撤销。',
      '服务器本来就没有运行。',
      'CPU 性能剖析只能在 VS Code 中进行（无界面时请用 chatroom-monitor profile），因此没有录制剖析数据。',
      '堆剖析只能在 VS Code 中进行（无界面时请用 chatroom-monitor profile --heap），因此没有采集堆剖析数据。',
      '只有在 VS Code 中才能运行 VS Code 任务。',
      '此处无法运行命令行。',
      '',
      '已撤销调整规模：恢复为 1 个工作进程。',
      '服务器已经在运行 1 个工作进程。',
    ]);
  });

  it('what the monitor watches, and what it lost, is Chinese (the status line and the log)', async () => {
    const proc = (pid: number): TargetProcess => ({ pid, commandLine: 'node server.js', executable: 'node', ports: [8080], startTimeMs: pid, reason: `pid ${pid}（node）正在监听端口 8080。` });
    let pid: number | undefined = 100;
    const locator = {
      locate: (): Promise<LocateResult> => {
        const r: LocateResult = pid ? { ok: true, process: proc(pid) } : { ok: false, message: '没有进程监听 TCP 端口 8080。', setting: 'chatroomMonitor.target.port' };
        return Promise.resolve(r);
      },
      isSameProcess: (p: number) => Promise.resolve(p === pid),
    };
    const said = await inZhCnAsync(async () => {
      const none = await new TargetTracker(locator, {}).update();
      const t = new TargetTracker(locator, { port: 8080 });
      const first = await t.update();
      pid = 200;
      const restarted = await t.update();
      const group = await new GroupTracker({ isSameProcess: () => Promise.resolve(false) }, { kind: 'ports', ports: [3001, 3002] }).update();
      return [none.state.kind === 'unconfigured' ? none.state.message : '', first.change, restarted.change, group.change];
    });
    assert.deepEqual(said, [
      '还没有要监控的进程：请运行“Chat-Room 监控: 选择要监控的进程”，或设置 chatroomMonitor.target.port（或 .pid、.commandPattern）。',
      '正在监控：pid 100（node）正在监听端口 8080。',
      '所监控的进程（pid 100，node）已退出。已重启：现在监控 pid 200（node）正在监听端口 8080。',
      '把监听端口 3001, 3002 的进程作为一个服务来监控需要 /proc（Linux）；请设置 chatroomMonitor.target.port 或 chatroomMonitor.target.pid 来监控单个进程。',
    ]);
    const evidence = { kind: 'cpu' as const, pid: 1, atMs: 0, durationMs: 10_000, rows: [{ function: 'burnCpu', file: 'faultInjection.js', line: 42, inWorkspace: true, selfPercent: 61 }] };
    assert.equal(inZhCn(() => profileQuote(evidence))?.text, '61% 的 CPU 耗在 faultInjection.js:42 的 burnCpu 中');
    assert.equal(profileQuote(evidence)?.text, '61% of CPU in burnCpu at faultInjection.js:42');
    // Why a profile cannot be taken: the sentence the profile notification shows.
    const facts = { pid: 42, uid: 1000, catchesSigusr1: true, commandLine: ['node'], executable: 'node' };
    assert.throws(() => inZhCn(() => checkSameUser(facts, 1001)), /进程 42 属于另一个用户（uid 1000）；只能对你自己的进程进行性能剖析。/);
  });

  it("the report's links from an error group to a restart, an exit and an alert, and the cluster note, are Chinese", () => {
    const T = Date.UTC(2026, 0, 1, 14, 2, 0);
    const iso = (ms: number) => new Date(ms).toISOString();
    const frames = [{ file: 'src/rooms.ts', line: 42, column: 7, inWorkspace: true }];
    const g = { id: 'g1', count: 37, firstSeen: iso(T + 3000), lastSeen: iso(T + 30_000), type: 'TypeError', message: 'boom', ratePerSecond: 1, regression: false, frames };
    const sentences = inZhCn(() => {
      const events = reportLinkEvents({
        operations: { entries: [{ time: iso(T), action: 'restart', trigger: 'the supervisor', result: 'ok', exitCode: 1, delayMs: 0 }, { time: iso(T + 31_000), action: 'restart', trigger: 'the supervisor', result: 'ok', signal: 'SIGKILL', delayMs: 0 }] },
        alerts: [{ title: '聊天服务器 CPU 偏高', startedMs: T + 10_000 }],
      });
      return linkErrorGroups([g], events).map((l) => l.sentence);
    });
    assert.deepEqual(sentences, [
      '监管程序重启了它（14:02:00 UTC）之后 3 秒，开始出现错误；TypeError: boom，位于 src/rooms.ts:42，37×。',
      '服务器退出（信号 SIGKILL）（14:02:31 UTC），距 TypeError: boom，位于 src/rooms.ts:42，37× 最后一次出现 1 秒。',
      '告警“聊天服务器 CPU 偏高”在错误出现 7 秒 之后开始（TypeError: boom，位于 src/rooms.ts:42，37×）。',
    ]);
    assertChinese(inZhCn(() => localClusterMetricsNote()), [/\/metrics/, /\bCPU\b/]);
  });
});
