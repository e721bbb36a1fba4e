import assert from 'node:assert/strict';
import { compileAlertRules } from '../../../src/core/alerts/defaults';
import { systemClock } from '../../../src/core/clock';
import { GroupLocator, GroupTracker, RESCAN_TICKS } from '../../../src/core/collect/groupTracker';
import { ProcessSource } from '../../../src/core/collect/processSource';
import { parseConfig } from '../../../src/core/config';
import { InstanceMetric, Metric, ServiceMetric, TargetProcess } from '../../../src/core/model';
import { Monitor } from '../../../src/core/monitor';
import type { GroupMember } from '../../../src/core/process/locator';
import { ProcfsProcessLocator } from '../../../src/core/process/locator';
import { createProcessSampler } from '../../../src/core/process/processSampler';
import { GroupQuery, parseGroupSpec } from '../../../src/core/process/targetSpec';
import { buildStatusView } from '../../../src/core/statusView';
import { ChatServer, procRssBytes, startChatServer, until } from '../helpers/realPrometheus';

function proc(pid: number, startTimeMs = pid * 10): TargetProcess {
  return { pid, commandLine: `node server.js #${pid}`, executable: 'node', ports: [], startTimeMs, reason: `pid ${pid} (node server.js) found.` };
}

/** A locator whose processes the test sets: `alive` says which (pid, start) pairs still run. */
class FakeGroupLocator implements GroupLocator {
  members: GroupMember[] = [];
  readonly alive = new Set<number>();
  scans = 0;
  isSameProcess(pid: number): Promise<boolean> {
    return Promise.resolve(this.alive.has(pid));
  }
  locateGroup(): Promise<{ ok: true; members: readonly GroupMember[] }> {
    this.scans++;
    return Promise.resolve({ ok: true, members: this.members.filter((m) => this.alive.has(m.process.pid)) });
  }
  run(instance: string, pid: number): void {
    this.members = [...this.members.filter((m) => m.instance !== instance), { instance, process: proc(pid) }];
    this.alive.add(pid);
  }
}

const PORTS: GroupQuery = { kind: 'ports', ports: [3001, 3002] };

describe('many local processes as one service: by a list of ports or every match of a pattern', () => {
  it('ports: an instance a port, down while nothing listens, up again (a restart) with the new process', async () => {
    const loc = new FakeGroupLocator();
    loc.run('port 3001', 100);
    const t = new GroupTracker(loc, PORTS);
    let u = await t.update();
    assert.equal(u.state.kind, 'running');
    assert.equal(u.state.kind === 'running' && u.state.process.pid, 100);
    assert.deepEqual(
      u.state.kind === 'running' && u.state.service?.instances,
      [
        { instance: 'port 3001', up: true, pid: 100 },
        { instance: 'port 3002', up: false, detail: 'nothing listens on port 3002' },
      ],
    );
    assert.deepEqual(u.samples.find((s) => s.name === ServiceMetric.instancesUp)?.value, 1);
    assert.deepEqual(u.samples.find((s) => s.name === InstanceMetric.up && s.labels['instance'] === 'port 3002')?.value, 0);

    // A missing instance is searched for every tick: the second server is found as soon as it listens.
    loc.run('port 3002', 200);
    u = await t.update();
    assert.equal(u.samples.find((s) => s.name === ServiceMetric.instancesUp)?.value, 2);
    assert.match(u.change ?? '', /pid 200/);

    // The first exits: down ("exited"), the service still running on the second.
    loc.alive.delete(100);
    u = await t.update();
    assert.equal(u.state.kind, 'running');
    assert.equal(u.state.kind === 'running' && u.state.process.pid, 200);
    assert.deepEqual(u.state.kind === 'running' && u.state.service?.instances[0], { instance: 'port 3001', up: false, detail: 'exited' });
    assert.match(u.change ?? '', /Instance port 3001 \(pid 100\) exited/);
    assert.equal(t.restartCount, 0);

    // Restarted with a new pid on the same port: the same instance, up, and a restart counted.
    loc.run('port 3001', 101);
    u = await t.update();
    assert.deepEqual(u.state.kind === 'running' && u.state.service?.instances.map((i) => [i.instance, i.up, i.pid]), [
      ['port 3001', true, 101],
      ['port 3002', true, 200],
    ]);
    assert.equal(t.restartCount, 1);
    assert.equal(u.samples.find((s) => s.name === Metric.targetRestarts)?.value, 1);

    // Both gone: not running, with the service's instances (0/2 up) and one sentence.
    loc.alive.clear();
    u = await t.update();
    assert.equal(u.state.kind, 'notRunning');
    assert.equal(u.state.kind === 'notRunning' && u.state.service?.instances.filter((i) => i.up).length, 0);
    assert.match(u.problem?.message ?? '', /None of the 2 instances of the processes listening on ports 3001, 3002 is running/);
    assert.equal(u.samples.find((s) => s.name === Metric.targetUp)?.value, 0);
  });

  it('while every instance is up, /proc is searched only every RESCAN_TICKS ticks (each tick only checks the known pids)', async () => {
    const loc = new FakeGroupLocator();
    loc.run('port 3001', 100);
    loc.run('port 3002', 200);
    const t = new GroupTracker(loc, PORTS);
    for (let i = 0; i < RESCAN_TICKS * 3; i++) await t.update();
    assert.equal(loc.scans, 3);
  });

  it('pattern: a process that starts later joins; one that exits stays down until a new one takes its place', async () => {
    const loc = new FakeGroupLocator();
    loc.run('pid 100', 100);
    const t = new GroupTracker(loc, { kind: 'pattern', pattern: /server\.js/, source: 'server\\.js' });
    await t.update();
    loc.run('pid 200', 200);
    for (let i = 0; i < RESCAN_TICKS; i++) await t.update();
    let u = await t.update();
    assert.deepEqual(u.state.kind === 'running' && u.state.service?.instances.map((i) => i.instance), ['pid 100', 'pid 200']);
    loc.alive.delete(100);
    u = await t.update();
    assert.deepEqual(u.state.kind === 'running' && u.state.service?.instances.map((i) => [i.instance, i.up]), [
      ['pid 100', false],
      ['pid 200', true],
    ]);
    loc.run('pid 300', 300);
    u = await t.update();
    assert.deepEqual(u.state.kind === 'running' && u.state.service?.instances.map((i) => [i.instance, i.up]), [
      ['pid 300', true],
      ['pid 200', true],
    ]);
    assert.match(u.change ?? '', /in place of pid 100, which exited/);
  });

  it('without /proc (no locateGroup) the group is one sentence naming the setting, nothing else breaks', async () => {
    const t = new GroupTracker({ isSameProcess: () => Promise.resolve(false) }, PORTS);
    const u = await t.update();
    assert.equal(u.state.kind, 'notRunning');
    assert.match(u.problem?.message ?? '', /needs \/proc \(Linux\)/);
    assert.equal(u.problem?.setting, 'chatroomMonitor.target.ports');
  });

  it('which settings ask for a group: pid wins; a port list; a pattern with everyMatch; bad ports are a sentence', () => {
    assert.equal(parseGroupSpec({ pid: 5, ports: [3001] }), undefined);
    assert.deepEqual(parseGroupSpec({ ports: [3002, 3001, 3002], port: 8080 }), { kind: 'ports', ports: [3001, 3002] });
    assert.equal(parseGroupSpec({ port: 8080, commandPattern: 'server', everyMatch: true }), undefined);
    assert.equal(parseGroupSpec({ commandPattern: 'server' }), undefined);
    const p = parseGroupSpec({ commandPattern: 'node .*server\\.js', everyMatch: true });
    assert.ok(p && !('ok' in p) && p.kind === 'pattern' && p.pattern.test('node examples/server.js'));
    const bad = parseGroupSpec({ ports: [3001, 70000] });
    assert.ok(bad && 'ok' in bad);
    assert.match(bad.message, /70000 is not a TCP port \(chatroomMonitor\.target\.ports\)/);
    const badPattern = parseGroupSpec({ commandPattern: '(', everyMatch: true });
    assert.ok(badPattern && 'ok' in badPattern && /chatroomMonitor\.target\.commandPattern/.test(badPattern.message));
    // The settings: a list of ports, checked.
    assert.deepEqual(parseConfig({ 'target.ports': [3001, 3002] }).config.target.ports, [3001, 3002]);
    const wrong = parseConfig({ 'target.ports': [3001, 'x'] });
    assert.equal(wrong.config.target.ports, undefined);
    assert.match(wrong.problems.map((p) => p.message).join(' '), /chatroomMonitor\.target\.ports/);
    assert.equal(parseConfig({ 'target.commandPattern': 'x', 'target.everyMatch': true }).config.target.everyMatch, true);
  });
});

describe('two example servers watched as one service by their ports and by a pattern (real /proc)', function () {
  this.timeout(120_000);
  let servers: ChatServer[] = [];
  const tag = `crm-group-${process.pid}`;

  before(async function () {
    if (process.platform !== 'linux') this.skip();
    // A tag in the command line that only these two servers carry, for the pattern.
    servers = await Promise.all([0, 1].map((i) => startChatServer(['--log-file', `/tmp/${tag}-${i}.log`])));
  });

  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  for (const [how, settings] of [
    ['ports', () => ({ 'target.ports': servers.map((s) => s.port) })],
    ['pattern', () => ({ 'target.commandPattern': `${tag}-[01]\\.log`, 'target.everyMatch': true })],
  ] as const) {
    it(`by ${how}: two instances, each sampled, the totals their sums and the sum of /proc; "2/2 up"`, async () => {
      const { config, problems } = parseConfig({ ...settings(), sampleIntervalMs: 1000, 'metrics.url': '' });
      assert.deepEqual(problems, []);
      const monitor = new Monitor({ clock: systemClock, locator: new ProcfsProcessLocator(), createSources: () => [new ProcessSource(createProcessSampler())] });
      try {
        monitor.setAlertRules(compileAlertRules([], true).rules);
        monitor.configure(config);
        await monitor.tickNow();
        await new Promise((r) => setTimeout(r, 1000)); // CPU needs two samples of each process
        await monitor.tickNow();
        const t = monitor.targetState;
        const service = t.kind === 'running' ? t.service : undefined;
        assert.ok(service, `a service: ${JSON.stringify(t)}`);
        assert.equal(service.instances.length, 2);
        const pids = service.instances.map((i) => i.pid!);
        assert.deepEqual([...pids].sort(), servers.map((s) => s.pid).sort());
        // Ports: an instance a port, in port order.
        if (how === 'ports') assert.deepEqual(service.instances.map((i) => i.instance), servers.map((s) => s.port).sort((a, b) => a - b).map((p) => `port ${p}`));
        const s = monitor.store;
        const perRss = service.instances.map((i) => s.latestValue(InstanceMetric.rssBytes, { instance: i.instance })!);
        const perCpu = service.instances.map((i) => s.latestValue(InstanceMetric.cpuPercent, { instance: i.instance })!);
        assert.equal(s.latest(Metric.processRssBytes)!.value, perRss[0]! + perRss[1]!);
        assert.ok(Math.abs(s.latest(Metric.processCpuPercent)!.value - (perCpu[0]! + perCpu[1]!)) < 1e-9);
        const procSum = pids.reduce((n, pid) => n + procRssBytes(pid), 0);
        assert.ok(Math.abs(perRss[0]! + perRss[1]! - procSum) / procSum < 0.05, `RSS ${perRss} vs /proc ${procSum}`);
        const view = buildStatusView({ nowMs: Date.now(), intervalMs: 1000, name: 'chat', target: t, snapshot: monitor.latestSnapshot, store: s, problems: [], configProblems: [] });
        assert.match(view.text, / · 2\/2 up$/);
      } finally {
        monitor.dispose();
      }
    });
  }

  it('by ports: a stopped server is "1/2 up" and its instance is down, the service still running', async () => {
    const { config } = parseConfig({ 'target.ports': servers.map((s) => s.port), sampleIntervalMs: 1000, 'metrics.url': '' });
    const monitor = new Monitor({ clock: systemClock, locator: new ProcfsProcessLocator(), createSources: () => [new ProcessSource(createProcessSampler())] });
    try {
      monitor.configure(config);
      await monitor.tickNow();
      await servers[1]!.stop();
      await until('the second instance down', async () => {
        await monitor.tickNow();
        const t = monitor.targetState;
        return t.kind === 'running' && t.service?.instances.find((i) => i.instance === `port ${servers[1]!.port}`)?.up === false;
      });
      assert.equal(monitor.store.latestValue(ServiceMetric.instancesUp, {}), 1);
      assert.equal(monitor.store.latestValue(InstanceMetric.up, { instance: `port ${servers[1]!.port}` }), 0);
    } finally {
      monitor.dispose();
    }
  });
});
