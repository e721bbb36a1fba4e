import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { oomSentence, readKernelOomKills } from '../../../src/core/logs/kernelLog';
import { linkErrorGroups, reportLinkEvents } from '../../../src/core/logs/errorLinks';
import { captureCpuProfile } from '../../../src/core/profile/capture';
import { CdpClient } from '../../../src/core/profile/cdpClient';
import { capturePySpy, pySpyMissing } from '../../../src/core/profile/pySpy';
import { operationsForReport, triggerText } from '../../../src/core/supervise/operationsReport';
import type { AuditEntry } from '../../../src/core/supervise/audit';
import { assertChinese, inZhCn, inZhCnAsync } from '../helpers/zhCn';

/**
 * The profiler's lower-level failures (they reach the "无法采集性能剖析：{0}" toast and the
 * CLI), the kernel log's sentences in the report, and who did an operation (the audit log,
 * the report's Operations table, "the restart by …") in Simplified Chinese; English unchanged.
 */

/** What these sentences quote as typed: commands, kernel settings, paths, HTTP, pids. */
const AS_TYPED = [/py-spy|pip install|Python|sudo sysctl [\w.=]+|kernel\.yama\.ptrace_scope|CAP_SYS_PTRACE|PATH|root|wheel|ptrace|inspector|WebSocket|journalctl|journal/g, /\/[\w/.-]+/g, /\bpid \d+/g];

describe('the profiler, the kernel log and who did an operation, in Simplified Chinese', function () {
  this.timeout(30_000);

  it('the profiler says in Chinese why a profile could not be taken (duration, inspector connection, py-spy)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-zh-prof-'));
    const server = http.createServer();
    server.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const fake = path.join(dir, 'py-spy');
    fs.writeFileSync(fake, `#!/bin/sh\necho 'Error: Permission Denied: Operation not permitted (os error 1)' >&2; exit 1\n`);
    fs.chmodSync(fake, 0o755);
    const failures = async (): Promise<string[]> => {
      const refused = await CdpClient.connect(`ws://127.0.0.1:${port}/x`).then(
        () => 'connected',
        (e: Error) => e.message,
      );
      const remote = await CdpClient.connect('ws://example.invalid:9229/x').then(
        () => 'connected',
        (e: Error) => e.message,
      );
      const tooShort = await captureCpuProfile({ pid: process.pid, durationMs: 10 });
      const missing = await capturePySpy({ pid: 4242, durationMs: 1000, out: path.join(dir, 'x.txt'), searchPath: dir + '/none' });
      const denied = await capturePySpy({ pid: 4242, durationMs: 1000, out: path.join(dir, 'x.txt'), pySpyPath: fake });
      return [refused, remote, tooShort.ok ? '' : tooShort.message, missing.ok ? '' : missing.message, denied.ok ? '' : denied.message];
    };
    try {
      const zh = await inZhCnAsync(failures);
      assert.deepEqual(zh.slice(0, 3), ['inspector 拒绝了连接（HTTP 400）；可能已有另一个调试器附加在上面。', '只能附加到本机（127.0.0.1 或 ::1）上的 inspector。', '性能剖析的时长须在 1 秒到 60 秒之间，而不是 0.01 秒。']);
      assert.equal(zh[3], inZhCn(() => pySpyMissing()));
      assert.match(zh[3]!, /^未安装 py-spy，因此无法对 Python 服务器进行性能剖析/);
      assert.match(zh[4]!, /^py-spy 无权读取进程 4242（Error: Permission Denied: Operation not permitted \(os error 1\)）。它需要 ptrace 权限/);
      for (const m of [zh[0]!, zh[2]!, zh[3]!]) assertChinese(m, AS_TYPED);
      const en = await failures();
      assert.deepEqual(en.slice(0, 3), [
        'The inspector refused the connection (HTTP 400); another debugger may be attached.',
        'Only an inspector on this machine (127.0.0.1 or ::1) can be attached to.',
        'A profile lasts from 1 s to 60 s, not 0.01 s.',
      ]);
      assert.match(en[3]!, /^py-spy is not installed, so the Python server cannot be profiled: install it with "pip install py-spy"/);
      assert.match(en[4]!, /^py-spy was not allowed to read process 4242 \(.*\)\. It needs ptrace permission/);
    } finally {
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the kernel log's sentences in the report are Chinese", () => {
    const kills = [{ pid: 4242, name: 'node', timeMs: Date.UTC(2026, 0, 1, 14, 2, 0), text: 'Out of memory: Killed process 4242 (node)' }];
    const zh = inZhCn(() => [oomSentence({ readable: true, kills }, 4242), oomSentence({ readable: true, kills }, 5), oomSentence({ readable: true, kills: [] }, undefined), oomSentence(readKernelOomKills({ path: '/nonexistent/kmsg' }), 1)]);
    assert.deepEqual(zh, [
      '内核于 2026-01-01T14:02:00.000Z 因内存不足杀死了 pid 4242（node）。',
      '内核日志中没有 pid 5 因内存不足被杀死的记录。',
      '内核日志中没有因内存不足而杀死进程的记录。',
      '此处无法读取内核日志 /nonexistent/kmsg（ENOENT），因此看不到服务器因内存不足被杀死的情况；也不读取 journal，因为那需要启动子进程 journalctl。',
    ]);
    assert.equal(oomSentence({ readable: true, kills }, 4242), 'The kernel killed pid 4242 (node) for lack of memory at 2026-01-01T14:02:00.000Z.');
    assert.equal(oomSentence({ readable: true, kills: [{ pid: 7, name: 'node', text: 'Out of memory: Killed process 7 (node)' }] }, 7), 'The kernel killed pid 7 (node) for lack of memory.');
  });

  it('who did an operation is Chinese (你, 命令行, 监管程序, 规则 …), and a Chinese report still links the supervisor’s restart', () => {
    const rule = { kind: 'rule' as const, ruleId: 'mem-high', alert: '内存偏高', evidence: { valueText: '572 MiB', op: '>', thresholdText: '477 MiB' } };
    const triggers = [{ kind: 'user' as const }, { kind: 'cli' as const }, { kind: 'supervisor' as const }, rule, { kind: 'rule' as const, ruleId: 'cpu' }];
    const zh = inZhCn(() => triggers.map((t) => triggerText(t as Parameters<typeof triggerText>[0])));
    assert.deepEqual(zh, ['你', '命令行', '监管程序', '规则 mem-high（内存偏高：572 MiB > 477 MiB）', '规则 cpu（告警）']);
    assert.deepEqual(
      triggers.map((t) => triggerText(t as Parameters<typeof triggerText>[0])),
      ['you', 'the command line', 'the supervisor', 'rule mem-high (内存偏高: 572 MiB > 477 MiB)', 'rule cpu (alert)'],
    );

    const T = Date.UTC(2026, 0, 1, 14, 2, 0);
    const entry = (action: string, trigger: object, at: number): AuditEntry => ({ id: `${action}${at}`, time: new Date(at).toISOString(), action, trigger, result: 'ok', durationMs: 0, exitCode: 1, delayMs: 0 }) as unknown as AuditEntry;
    const g = { id: 'g1', count: 3, firstSeen: new Date(T + 2000).toISOString(), lastSeen: new Date(T + 9000).toISOString(), type: 'TypeError', message: 'boom', ratePerSecond: 1, regression: false, frames: [] };
    const sentences = inZhCn(() => {
      const operations = operationsForReport([entry('restart', { kind: 'supervisor' }, T), entry('restart', { kind: 'user' }, T + 20_000)], 1);
      return linkErrorGroups([g], reportLinkEvents({ operations })).map((l) => l.sentence);
    });
    assert.ok(sentences.some((s) => s.startsWith('监管程序重启了它')), sentences.join('\n'));
    assert.ok(sentences.every((s) => !/\byou\b|the supervisor/.test(s)), sentences.join('\n'));
  });
});
