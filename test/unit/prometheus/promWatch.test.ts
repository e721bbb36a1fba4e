import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { systemClock } from '../../../src/core/clock';
import { parseConfig } from '../../../src/core/config';
import { Metric } from '../../../src/core/model';
import { Monitor } from '../../../src/core/monitor';
import { createPrometheusWatch } from '../../../src/core/prometheus/promDeps';
import { InstanceMetric, ServiceMetric } from '../../../src/core/prometheus/promQueries';
import { PrometheusWatch } from '../../../src/core/prometheus/promWatch';
import { compileAlertRules } from '../../../src/core/alerts/defaults';
import { buildStatusView } from '../../../src/core/statusView';
import { SeriesStore } from '../../../src/core/store/seriesStore';
import { ChatServer, freePort, procRssBytes, RealPrometheus, startChatServer, startPrometheus, until } from '../helpers/realPrometheus';

const CLI = path.join(__dirname, '../../../src/cli/main.js');

function watchFor(url: string, extra: Record<string, unknown> = {}, backfillMs = 0): PrometheusWatch {
  const { config, problems } = parseConfig({ 'prometheus.url': url, 'prometheus.job': 'chat', 'prometheus.rateWindow': '10s', ...extra });
  assert.deepEqual(problems, []);
  return createPrometheusWatch(config, { clock: systemClock, backfillMs })!.watch;
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('Prometheus source against a real Prometheus scraping two example servers', function () {
  this.timeout(90_000);
  let servers: ChatServer[] = [];
  let prom: RealPrometheus | undefined;

  before(async () => {
    servers = [await startChatServer(), await startChatServer()];
    prom = await startPrometheus({ chat: servers.map((s) => `127.0.0.1:${s.port}`), other: [`127.0.0.1:${await freePort()}`] });
    // rate() over 10 s needs two scrapes (every 2 s: a loaded machine answers a scrape within 2 s, not always 1 s).
    await new Promise((r) => setTimeout(r, 5000));
  });

  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await prom?.stop();
  });

  it('watches every instance of the job as one service: 2/2 up, totals are the sums of the instances', async () => {
    const w = watchFor(prom!.url);
    try {
      const u = await w.update();
      assert.equal(u.state.kind, 'running');
      assert.equal(u.state.kind === 'running' && u.state.service?.instances.length, 2);
      assert.match(u.change ?? '', /Watching job "chat" in Prometheus at .*: 2\/2 up/);
      assert.equal(u.samples.find((s) => s.name === ServiceMetric.instancesUp)?.value, 2);
      const out = await w.collect({ nowMs: Date.now(), target: u.state });
      assert.deepEqual(out.problems, []);
      const per = (name: string) => out.samples.filter((s) => s.name === name);
      const total = (name: string) => out.samples.find((s) => s.name === name && Object.keys(s.labels).length === 0)?.value;
      const rss = per(InstanceMetric.rssBytes);
      assert.equal(rss.length, 2);
      assert.equal(total(Metric.processRssBytes), rss[0]!.value + rss[1]!.value);
      const cpu = per(InstanceMetric.cpuPercent);
      assert.equal(cpu.length, 2);
      assert.ok(Math.abs(total(Metric.processCpuPercent)! - (cpu[0]!.value + cpu[1]!.value)) < 1e-9);
      // Each instance's RSS is that process' own (Prometheus' last scrape vs /proc now: within 10%).
      const byPort = new Map(rss.map((s) => [Number(s.labels['instance']!.split(':')[1]), s.value]));
      for (const s of servers) {
        const proc = procRssBytes(s.pid);
        const seen = byPort.get(s.port)!;
        assert.ok(Math.abs(seen - proc) / proc < 0.1, `instance :${s.port} RSS ${seen} vs /proc ${proc}`);
      }
      assert.ok(total('chat_active_users') !== undefined, 'the chat metrics are read too');
    } finally {
      w.dispose();
    }
  });

  it('back-fills the store with query_range before the first tick', async () => {
    const w = watchFor(prom!.url, {}, 60_000);
    const store = new SeriesStore(600);
    try {
      const r = await w.backfill(store, Date.now());
      assert.deepEqual(r.problems, []);
      assert.ok(r.ticks >= 3, `ticks back-filled: ${r.ticks}`);
      assert.ok(store.has(Metric.processRssBytes) && store.has(Metric.targetUp));
      assert.equal(store.select(InstanceMetric.up).length, 2);
    } finally {
      w.dispose();
    }
  });

  it('says in one sentence: a wrong job (naming the jobs there are), nothing listening, not a Prometheus, a PromQL error', async () => {
    const wrongJob = watchFor(prom!.url, { 'prometheus.job': 'chatt' });
    const nobody = watchFor(`http://127.0.0.1:${await freePort()}`);
    const notProm = watchFor(`http://127.0.0.1:${servers[0]!.port}`);
    const badQuery = watchFor(prom!.url, { 'prometheus.cpuQuery': 'rate(process_cpu_seconds_total{$selector}[$window]' });
    try {
      const a = await wrongJob.update();
      assert.equal(a.state.kind, 'notRunning');
      assert.match(a.problem!.message, /scrapes no target of job "chatt": check chatroomMonitor\.prometheus\.job\. The jobs it scrapes: chat, other\./);
      const b = await nobody.update();
      assert.equal(b.state.kind, 'notRunning');
      assert.match(b.problem!.message, /^Nothing answers at http:\/\/127\.0\.0\.1:\d+ \(chatroomMonitor\.prometheus\.url\): is Prometheus running/);
      assert.equal(b.samples.length, 0, 'no evidence, no up = 0');
      const c = await notProm.update();
      assert.match(c.problem!.message, /without the query API's JSON .*set the setting to Prometheus' base address/);
      const d = await badQuery.update();
      assert.equal(d.state.kind, 'running');
      const out = await badQuery.collect({ nowMs: Date.now(), target: d.state });
      assert.equal(out.problems.length, 1);
      assert.match(out.problems[0]!.message, /^Prometheus refused the query `.*` \(bad_data\): .*parse error.* Fix chatroomMonitor\.prometheus\.cpuQuery\.$/);
      assert.ok(out.samples.some((s) => s.name === Metric.processRssBytes), 'memory is still read');
      for (const m of [a.problem!.message, b.problem!.message, c.problem!.message, out.problems[0]!.message]) {
        assert.doesNotMatch(m, /\n|at .*\.js:\d+/, 'a sentence, not a trace');
      }
    } finally {
      for (const w of [wrongJob, nobody, notProm, badQuery]) w.dispose();
    }
  });

  it('runs the monitor on it: the same series the status bar and alerts read, and the CLI report --prometheus', async () => {
    const { config } = parseConfig({ 'prometheus.url': prom!.url, 'prometheus.job': 'chat', 'prometheus.rateWindow': '10s' });
    const m = new Monitor({
      clock: systemClock,
      locator: { locate: () => Promise.reject(new Error('no local search')), isSameProcess: () => Promise.resolve(false) },
      createSources: () => [],
      createRemoteWatch: (c) => createPrometheusWatch(c, { clock: systemClock, backfillMs: 30_000 }),
    });
    try {
      m.configure(config);
      await m.tickNow();
      assert.equal(m.targetState.kind, 'running');
      assert.ok(m.store.latest(Metric.processCpuPercent) && !m.store.latest(Metric.processRssBytes)!.stale);
      assert.ok(m.store.length(Metric.processRssBytes) >= 3, `back-filled before the first tick: ${m.store.length(Metric.processRssBytes)} ${JSON.stringify(m.latestSnapshot?.problems)}`);
    } finally {
      m.dispose();
    }
    const r = await runCli(['report', '--prometheus', prom!.url, '--job', 'chat', '--rate-window', '10s', '--duration', '20s', '--json', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { target: { state: string; detail: string }; analysis: { stats: { name: string }[] } };
    assert.equal(report.target.state, 'running');
    assert.match(report.target.detail, /2\/2 up/);
    assert.ok(report.analysis.stats.some((s) => s.name === Metric.processCpuPercent));
  });

  it('the CLI report from --prometheus agrees with the local report of the same server over the same window (CPU mean within 2 points, RSS within 2%)', async function () {
    // A third instance that does some work: 3 ms of CPU per message, 5 users at 2 msg/s
    // (light, so a loaded machine still scrapes it within the 2 s scrape timeout).
    const busy = await startChatServer(['--cpu-work-ms', '3']);
    servers.push(busy);
    const load = spawn(process.execPath, [path.join(__dirname, '../../../../examples/load/load.js'), '--url', `ws://127.0.0.1:${busy.port}`, '--scenario', 'steady', '--users', '5', '--rate', '2', '--duration', '90s'], { stdio: 'ignore' });
    try {
      await prom!.addTarget('chat', `127.0.0.1:${busy.port}`);
      await new Promise((r) => setTimeout(r, 12000)); // the load is steady, the rate window is full
      // The local report watches the next 15 s; the one from Prometheus, made right after,
      // reads the last 15 s: the same window. The load outlasts both with room to spare —
      // with 40 s of load, at load 30 the two CLIs' start-up pushed that window past the
      // load's end (CPU 5.4 locally, 0.52 from Prometheus: an idle server).
      const local = await runCli(['report', '--port', String(busy.port), '--duration', '15s', '--json', '--quiet']);
      assert.equal(local.code, 0, local.stderr);
      const remote = await runCli(['report', '--prometheus', prom!.url, '--job', 'chat', '--instance', `127\\.0\\.0\\.1:${busy.port}`, '--rate-window', '10s', '--duration', '15s', '--json', '--quiet']);
      assert.equal(remote.code, 0, remote.stderr);
      type R = { analysis: { stats: { key: string; summary: { mean: number } }[] }; service?: { instances: { instance: string }[] } };
      const mean = (r: R, key: string) => {
        const st = r.analysis.stats.find((x) => x.key === key);
        assert.ok(st, `${key} in ${JSON.stringify(r).slice(0, 600)}`);
        return st.summary.mean;
      };
      const l = JSON.parse(local.stdout) as R;
      const p = JSON.parse(remote.stdout) as R;
      const cpuL = mean(l, Metric.processCpuPercent);
      const cpuP = mean(p, Metric.processCpuPercent);
      const rssL = mean(l, Metric.processRssBytes);
      const rssP = mean(p, Metric.processRssBytes);
      console.log(`      local CPU mean ${cpuL.toFixed(2)}%, Prometheus ${cpuP.toFixed(2)}%; local RSS mean ${(rssL / 1048576).toFixed(1)} MiB, Prometheus ${(rssP / 1048576).toFixed(1)} MiB`);
      assert.ok(cpuL > 1, `the server works: ${cpuL}%`);
      assert.ok(Math.abs(cpuL - cpuP) <= 2, `CPU mean: local ${cpuL}, Prometheus ${cpuP}`);
      assert.ok(Math.abs(rssL - rssP) / rssL <= 0.02, `RSS mean: local ${rssL}, Prometheus ${rssP}`);
      assert.deepEqual(p.service?.instances.map((i) => i.instance), [`127.0.0.1:${busy.port}`], 'a section per instance');
    } finally {
      load.kill();
      await prom!.removeTarget('chat', `127.0.0.1:${busy.port}`);
    }
  });

  it('an instance that stops is down within the scrape interval and a tick: 1/2 up in the status bar, said once, an instance-down alert', async () => {
    const w = watchFor(prom!.url);
    const { config } = parseConfig({ 'prometheus.url': prom!.url, 'prometheus.job': 'chat', 'prometheus.rateWindow': '10s' });
    const m = new Monitor({
      clock: systemClock,
      locator: { locate: () => Promise.reject(new Error('no local search')), isSameProcess: () => Promise.resolve(false) },
      createSources: () => [],
      createRemoteWatch: (c) => createPrometheusWatch(c, { clock: systemClock, backfillMs: 0 }),
    });
    m.setAlertRules(compileAlertRules([], true).rules);
    try {
      m.configure(config);
      await m.tickNow();
      await w.update();
      const status = () => buildStatusView({ nowMs: Date.now(), intervalMs: 1000, name: 'chat', target: m.targetState, snapshot: m.latestSnapshot, store: m.store, problems: [], configProblems: [] });
      assert.match(status().text, / · 2\/2 up$/);
      const sumBefore = m.store.latest(Metric.processRssBytes)!.value;
      assert.ok(sumBefore > 2 * 20 * 1048576, 'the sum of two servers');
      const gone = `127.0.0.1:${servers[1]!.port}`;
      const stoppedAt = Date.now();
      await servers[1]!.stop();
      // Every update's sentence: Prometheus may already have scraped the stop by the first one.
      const changes: string[] = [];
      const update = async () => {
        const u = await w.update();
        if (u.change) changes.push(u.change);
        return u;
      };
      let last = await update();
      await until('1/2 up', async () => {
        if (last.state.kind === 'running' && last.state.service!.instances.filter((i) => i.up).length === 1) return true;
        await m.tickNow();
        last = await update();
        return last.state.kind === 'running' && last.state.service!.instances.filter((i) => i.up).length === 1;
      });
      const seenAfterMs = Date.now() - stoppedAt;
      console.log(`      instance down seen ${seenAfterMs} ms after the stop (scrape interval 2 s)`);
      const downSentence = new RegExp(`Instance ${gone.replace(/\./g, '\\.')} of job "chat" .* is down`);
      assert.equal(changes.filter((c) => downSentence.test(c)).length, 1, `said once: ${JSON.stringify(changes)}`);
      assert.equal(last.samples.find((s) => s.name === InstanceMetric.up && s.labels['instance'] === gone)?.value, 0);
      const again = await w.update();
      assert.equal(again.change, undefined, 'said once');
      await until('the monitor sees it', async () => {
        await m.tickNow();
        return m.targetState.kind === 'running' && m.targetState.service!.instances.some((i) => i.instance === gone && !i.up);
      });
      assert.match(status().text, / · 1\/2 up$/);
      const alert = m.alerts.active().find((a) => a.ruleId === 'instance-down');
      assert.ok(alert, 'an instance-down alert');
      assert.equal(alert.state, 'firing');
      assert.equal(alert.title, `Instance ${gone} is down`);
      assert.equal(m.alerts.active().filter((a) => a.ruleId === 'target-down').length, 0, 'the service still runs');
    } finally {
      w.dispose();
      m.dispose();
    }
  });
});
