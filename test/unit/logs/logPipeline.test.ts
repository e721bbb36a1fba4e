import assert from 'node:assert/strict';
import { Emitter } from '../../../src/core/events';
import { AccessStats } from '../../../src/core/logs/accessStats';
import { FrameMapper } from '../../../src/core/logs/frameMapper';
import { oomSentence, parseOomKills, readKernelOomKills } from '../../../src/core/logs/kernelLog';
import { KeptLines } from '../../../src/core/logs/keptLines';
import { LogLine } from '../../../src/core/logs/lineStream';
import { buildLogsReport } from '../../../src/core/logs/logReport';
import { LogPipeline } from '../../../src/core/logs/logPipeline';
import { fakeClock } from '../helpers/fakeClock';

describe('log pipeline', () => {
  it('accepts any line stream, strips ANSI, joins stack traces, counts levels and groups errors', async () => {
    const clock = fakeClock();
    const p = new LogPipeline({ clock });
    const stream = new Emitter<LogLine>();
    const restart = new Emitter<{ timeMs: number }>();
    p.attach({ onLine: stream.event, onRestart: restart.event });
    const say = (text: string) => stream.fire({ text, source: 'stderr', receivedMs: clock.now() });
    say('\u001b[32minfo\u001b[39m server listening');
    for (let i = 0; i < 3; i++) {
      say(`TypeError: user ${i} missing`);
      say('    at join (/app/rooms.js:42:7)');
      say('    at handle (/app/server.js:10:3)');
    }
    await clock.tickAsync(200); // the quiet time completes the last trace
    assert.equal(p.levelCounts.info, 1);
    assert.equal(p.levelCounts.error, 3);
    assert.equal(p.groups.size, 1);
    assert.equal(p.groups.list()[0]!.count, 3);
    assert.equal(p.kept.size, 4);
    assert.equal(p.kept.at(0).text, 'info server listening');
    const kinds: string[] = [];
    p.onGroupEvent((e) => kinds.push(e.kind));
    restart.fire({ timeMs: clock.now() });
    say('TypeError: user 9 missing');
    say('    at join (/app/rooms.js:42:7)');
    say('    at handle (/app/server.js:10:3)');
    p.flush();
    assert.deepEqual(kinds, ['regression']);
    p.dispose();
  });

  it('groups JSON error lines and builds the report object with workspace-relative frames', () => {
    const clock = fakeClock(Date.UTC(2026, 0, 1));
    const p = new LogPipeline({ clock });
    const line = (i: number) => JSON.stringify({ level: 50, time: Date.UTC(2026, 0, 1) + i * 1000, msg: 'send failed', err: { type: 'Error', message: `room ${i} gone`, stack: `Error: room ${i} gone\n    at send (/ws/src/rooms.js:5:9)\n    at onMessage (/ws/src/server.js:20:1)` } });
    p.pushLines(Array.from({ length: 10 }, (_, i) => line(i)), 'app.log');
    p.pushLines(['{"level":30,"time":1767225600000,"msg":"ok"}'], 'app.log');
    const r = buildLogsReport(p, new FrameMapper({ roots: ['/ws'] }), Date.UTC(2026, 0, 1, 0, 0, 10));
    assert.equal(r.lines, 11);
    assert.equal(r.errorGroups.length, 1);
    const g = r.errorGroups[0]!;
    assert.equal(g.count, 10);
    assert.equal(g.type, 'Error');
    assert.equal(g.firstSeen, '2026-01-01T00:00:00.000Z');
    assert.equal(g.lastSeen, '2026-01-01T00:00:09.000Z');
    assert.deepEqual(g.frames[0], { file: 'src/rooms.js', line: 5, column: 9, inWorkspace: true, function: 'send' });
    assert.ok(r.linesPerSecond > 1 && r.linesPerSecond < 2, String(r.linesPerSecond));
  });

  it('keeps memory bounded: the kept ring, the text per line, the groups', () => {
    const clock = fakeClock();
    const p = new LogPipeline({ clock, maxKeptLines: 1000, maxGroups: 20 });
    for (let i = 0; i < 5000; i++) p.pushLines([`{"level":50,"msg":"distinct ${i.toString(36)}${'q'.repeat(i % 7)} error","time":${i}}`], 's');
    p.pushLines(['x'.repeat(100_000)], 's');
    p.flush();
    assert.equal(p.kept.size, 1000);
    assert.equal(p.kept.total, 5001);
    assert.ok(p.groups.size <= 20);
    assert.ok(p.kept.at(5000).text.length <= 4097);
    assert.equal(p.kept.since(0).length, 1000, 'only what is kept is returned');
  });

  it('summarises access lines: rate, status classes, latency percentiles', () => {
    const a = new AccessStats();
    for (let i = 0; i < 100; i++) a.add({ status: i < 90 ? 200 : 503, durationMs: i + 1 }, i * 100);
    const s = a.summary()!;
    assert.equal(s.requests, 100);
    assert.deepEqual(s.statusClasses, { '2xx': 90, '5xx': 10 });
    assert.equal(s.latencyMs?.p50, 50);
    assert.equal(s.latencyMs?.p95, 95);
    assert.ok(Math.abs(s.requestsPerSecond - 100 / 9.9) < 0.01);
  });

  it('keeps lines in a ring with sources and levels', () => {
    const k = new KeptLines(3);
    k.add(1, 'info', 'a', 'one');
    k.add(2, undefined, 'b', 'two');
    k.add(3, 'error', 'a', 'three', 'g1');
    k.add(4, 'warn', 'b', 'four');
    assert.deepEqual(k.since(0).map((l) => [l.seq, l.level, l.source, l.text]), [[1, undefined, 'b', 'two'], [2, 'error', 'a', 'three'], [3, 'warn', 'b', 'four']]);
    assert.equal(k.since(2)[0]!.groupId, 'g1');
  });
});

describe('kernel log: OOM kills', () => {
  it('reads the kernel\'s OOM lines (kmsg and dmesg shapes) for a pid', () => {
    const text = ['6,100,5000000,-;Out of memory: Killed process 4242 (node) total-vm:1000kB, anon-rss:900kB', '[ 12.5] oom-kill:constraint=CONSTRAINT_NONE,task=python3,pid=77,uid=0', '6,101,5000001,-;unrelated'].join('\n');
    const kills = parseOomKills(text, 1_000_000);
    assert.deepEqual(kills.map((k) => [k.pid, k.name]), [[4242, 'node'], [77, 'python3']]);
    assert.equal(kills[0]!.timeMs, 1_005_000);
    assert.match(oomSentence({ readable: true, kills }, 4242), /killed pid 4242 \(node\)/);
    assert.match(oomSentence({ readable: true, kills }, 5), /no out-of-memory kill of pid 5/);
  });

  it('says clearly when the kernel log is not readable', () => {
    const r = readKernelOomKills({ path: '/nonexistent/kmsg' });
    assert.equal(r.readable, false);
    assert.match(oomSentence(r, 1), /is not readable here \(ENOENT\)/);
  });
});

describe('log watcher: series for the store', () => {
  it('gives log_lines_per_second{level} and log_errors_per_second from the counters each tick', async () => {
    const { LogWatcher } = await import('../../../src/core/logs/logWatcher');
    const clock = fakeClock();
    const w = new LogWatcher({ clock, files: [], roots: ['/ws'] });
    const src = w.tickSource();
    const target = { kind: 'unconfigured', message: '' } as const;
    assert.deepEqual((await src.collect({ nowMs: 0, target })).samples, [], 'no rate before two ticks');
    w.pipeline.pushLines(['{"level":30,"msg":"a"}', '{"level":30,"msg":"b"}', '{"level":50,"msg":"c"}', 'plain'], 'x');
    const s = (await src.collect({ nowMs: 2000, target })).samples;
    const v = (name: string, level?: string) => s.find((x) => x.name === name && (level === undefined || x.labels['level'] === level))?.value;
    assert.equal(v('log_lines_per_second', 'info'), 1);
    assert.equal(v('log_lines_per_second', 'error'), 0.5);
    assert.equal(v('log_lines_per_second', 'unknown'), 0.5);
    assert.equal(v('log_errors_per_second'), 0.5);
    w.dispose();
  });
});
