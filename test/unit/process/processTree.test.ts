import assert from 'node:assert/strict';
import fs from 'node:fs';
import { compileAlertRules } from '../../../src/core/alerts/defaults';
import { systemClock } from '../../../src/core/clock';
import { ProcessSource } from '../../../src/core/collect/processSource';
import { parseConfig } from '../../../src/core/config';
import { InstanceMetric, Metric, ServiceMetric } from '../../../src/core/model';
import { Monitor } from '../../../src/core/monitor';
import { ProcfsProcessLocator } from '../../../src/core/process/locator';
import { createProcessSampler } from '../../../src/core/process/processSampler';
import { descendantsOf, MAX_KEPT_CHILDREN_FILES, ProcessTreeReader } from '../../../src/core/process/processTree';
import { buildMonitorReport } from '../../../src/core/report/monitorReport';
import { buildStatusView } from '../../../src/core/statusView';
import { ChatServer, procRssBytes, startChatServer, until } from '../helpers/realPrometheus';

function ppidOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

describe('a cluster server watched as one service (the example server with WEB_CONCURRENCY=3, real /proc)', function () {
  this.timeout(120_000);
  let server: ChatServer;
  let monitor: Monitor;
  let primary: number;

  before(async function () {
    if (process.platform !== 'linux') this.skip();
    server = await startChatServer([], { WEB_CONCURRENCY: '3' });
    // `server.pid` is the first worker that said it listens; the primary is the process started here.
    primary = server.child.pid!;
    await until('three workers', async () => (await descendantsOf(primary)).length === 3);
    const { config, problems } = parseConfig({ 'target.port': server.port, sampleIntervalMs: 1000, 'metrics.url': '' });
    assert.deepEqual(problems, []);
    monitor = new Monitor({ clock: systemClock, locator: new ProcfsProcessLocator(), createSources: () => [new ProcessSource(createProcessSampler())] });
    monitor.setAlertRules(compileAlertRules([], true).rules);
    monitor.configure(config);
  });

  after(async () => {
    monitor?.dispose();
    await server?.stop();
  });

  it('lists the primary and its three workers as four instances, each one sampled, the totals their sums and the sum of /proc', async () => {
    await monitor.tickNow();
    await new Promise((r) => setTimeout(r, 1000)); // CPU needs two samples of each process, some time apart
    await monitor.tickNow();
    const t = monitor.targetState;
    assert.equal(t.kind, 'running');
    const service = t.kind === 'running' ? t.service : undefined;
    assert.ok(service, `a service: ${JSON.stringify(t)}`);
    assert.equal(service.source, 'local');
    assert.equal(service.instances.length, 4);
    assert.ok(service.instances.every((i) => i.up));
    const pids = service.instances.map((i) => i.pid!);
    assert.equal(pids[0], primary, 'the primary first');
    assert.deepEqual(pids.slice(1).map(ppidOf), [primary, primary, primary], 'the workers are the primary\'s children');
    const s = monitor.store;
    const perRss = pids.map((pid) => s.latestValue(InstanceMetric.rssBytes, { instance: `pid ${pid}` })!);
    const perCpu = pids.map((pid) => s.latestValue(InstanceMetric.cpuPercent, { instance: `pid ${pid}` })!);
    assert.ok(perRss.every((v) => v > 10 * 1048576), `every process sampled: ${perRss}`);
    assert.ok(perCpu.every((v) => Number.isFinite(v)), `CPU of every process: ${perCpu}`);
    const totalRss = s.latest(Metric.processRssBytes)!.value;
    const totalCpu = s.latest(Metric.processCpuPercent)!.value;
    assert.equal(totalRss, perRss.reduce((a, b) => a + b, 0), 'total RSS is the sum of the instances');
    assert.ok(Math.abs(totalCpu - perCpu.reduce((a, b) => a + b, 0)) < 1e-9, 'total CPU is the sum of the instances');
    const procSum = pids.reduce((n, pid) => n + procRssBytes(pid), 0);
    console.log(`      4 processes: RSS total ${(totalRss / 1048576).toFixed(1)} MiB, /proc VmRSS sum ${(procSum / 1048576).toFixed(1)} MiB; CPU total ${totalCpu.toFixed(2)}% = ${perCpu.map((v) => v.toFixed(2)).join(' + ')}`);
    assert.ok(Math.abs(totalRss - procSum) / procSum < 0.05, `RSS total ${totalRss} vs /proc sum ${procSum}`);
    assert.equal(s.latestValue(ServiceMetric.instancesUp, {}), 4);

    const view = buildStatusView({ nowMs: Date.now(), intervalMs: 1000, name: 'chat', target: t, snapshot: monitor.latestSnapshot, store: s, problems: [], configProblems: [] });
    assert.match(view.text, / · 4\/4 up$/);
    for (const pid of pids) assert.match(view.tooltip, new RegExp(`\\| pid ${pid} \\| up \\|`), `a tooltip row for pid ${pid}`);

    const report = buildMonitorReport(monitor, 60_000, Date.now());
    assert.deepEqual(report.service?.instances.map((i) => i.instance), pids.map((p) => `pid ${p}`));
  });

  it('a ProcessTreeReader finds what descendantsOf finds, keeping each thread\'s children file open from walk to walk, and closes the ones a walk no longer reads', async () => {
    const reader = new ProcessTreeReader();
    try {
      const fresh = (await descendantsOf(primary)).sort();
      const threads = (pid: number) => fs.readdirSync(`/proc/${pid}/task`).length;
      assert.deepEqual(reader.descendants(primary).sort(), fresh);
      const kept = reader.openFiles;
      assert.equal(kept, Math.min(MAX_KEPT_CHILDREN_FILES, [primary, ...fresh].reduce((n, pid) => n + threads(pid), 0)), 'one per thread of the tree');
      assert.deepEqual(reader.descendants(primary).sort(), fresh, 'the second walk reads the kept files');
      assert.equal(reader.openFiles, kept);
      const worker = fresh[0]!;
      assert.deepEqual(reader.descendants(worker), []);
      assert.equal(reader.openFiles, threads(worker), "the primary's files are closed once a walk no longer reads them");
    } finally {
      reader.close();
    }
    assert.equal(reader.openFiles, 0);
  });

  it('a worker that dies is a down instance (3/4 up) with an instance-down alert; the service keeps running', async () => {
    const t = monitor.targetState;
    assert.ok(t.kind === 'running' && t.service);
    const victim = t.service.instances[2]!.pid!;
    process.kill(victim, 'SIGKILL');
    await until('3/4 up', async () => {
      await monitor.tickNow();
      const st = monitor.targetState;
      return st.kind === 'running' && st.service!.instances.filter((i) => i.up).length === 3;
    });
    const st = monitor.targetState;
    assert.ok(st.kind === 'running' && st.service);
    assert.deepEqual(st.service.instances.find((i) => i.pid === victim), { instance: `pid ${victim}`, pid: victim, up: false, detail: 'exited' });
    const alert = monitor.alerts.active().find((a) => a.ruleId === 'instance-down');
    assert.ok(alert, 'an instance-down alert');
    assert.equal(alert.title, `Instance pid ${victim} is down`);
    assert.equal(monitor.alerts.active().filter((a) => a.ruleId === 'target-down').length, 0, 'the primary still runs');
    assert.equal(monitor.store.latestValue(InstanceMetric.rssBytes, { instance: `pid ${victim}` }), undefined, 'no figure for a process that exited');
    const view = buildStatusView({ nowMs: Date.now(), intervalMs: 1000, name: 'chat', target: st, snapshot: monitor.latestSnapshot, store: monitor.store, problems: [], configProblems: [] });
    assert.match(view.text, / · 3\/4 up$/);
    assert.match(view.tooltip, new RegExp(`\\| pid ${victim} \\| \\$\\(error\\) \\*\\*down\\*\\* \\|`));
  });

  it('with target.processTree off only the primary is watched (no service)', async () => {
    const { config } = parseConfig({ 'target.port': server.port, 'target.processTree': false, 'metrics.url': '' });
    const m = new Monitor({ clock: systemClock, locator: new ProcfsProcessLocator(), createSources: () => [new ProcessSource(createProcessSampler())] });
    try {
      m.configure(config);
      await m.tickNow();
      const t = m.targetState;
      assert.ok(t.kind === 'running' && t.process.pid === primary && t.service === undefined, JSON.stringify(t));
    } finally {
      m.dispose();
    }
  });
});

describe('ProcessTreeReader (real /proc, the test process)', () => {
  it('closes the files a walk no longer reads without iterating its map (no [path, entry] array a kept file a tick)', async function () {
    if (process.platform !== 'linux') this.skip();
    const { spawn } = await import('node:child_process');
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const reader = new ProcessTreeReader();
    try {
      await until('the child in /proc', async () => fs.existsSync(`/proc/${child.pid}/task`));
      const files = (reader as unknown as { files: Map<string, unknown> }).files;
      const refuse = (): never => {
        throw new Error('iterated');
      };
      Object.defineProperty(files, Symbol.iterator, { value: refuse });
      Object.defineProperty(files, 'entries', { value: refuse });
      // The tree is not always this process and sleep alone: a child an earlier test stopped may
      // still be exiting. At load ~25 the walk kept 25 files while this process had 11 threads
      // read just after it and sleep 1. So count the threads of the tree the walk saw, and walk
      // again while that tree or its threads change between the walk and the count.
      const threadsOf = (pids: number[]): number => pids.reduce((n, pid) => n + fs.readdirSync(`/proc/${pid}/task`).length, 0);
      let tree: number[] = [];
      let threads = -1;
      const walk = () => [process.pid, ...reader.descendants(process.pid)].sort((a, b) => a - b);
      await until('a tree that stays the same from a walk to its thread count', () => {
        try {
          tree = walk();
          threads = threadsOf(tree);
          return walk().join() === tree.join() && threadsOf(tree) === threads;
        } catch {
          return false; // a process of the tree exited meanwhile
        }
      });
      assert.ok(tree.includes(child.pid!));
      assert.equal(reader.openFiles, Math.min(MAX_KEPT_CHILDREN_FILES, threads), 'one a thread of the tree (sleep has one)');
      assert.deepEqual(reader.descendants(child.pid!), []);
      assert.equal(reader.openFiles, 1, "the test process' files are closed once a walk no longer reads them");
    } finally {
      reader.close();
      child.kill();
    }
    assert.equal(reader.openFiles, 0);
  });
});
