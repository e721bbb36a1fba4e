import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analyze/analyzer';
import { instanceFigures, unevenInstancesIssue } from '../../../src/core/analyze/instances';
import { InstanceMetric, Metric, Sample, ServiceState } from '../../../src/core/model';
import { renderJson } from '../../../src/core/report/reportData';
import { localClusterMetricsNote, renderMarkdown } from '../../../src/core/report/markdown';
import { buildReport, reportTargetFrom } from '../../../src/core/report/reportData';
import { serviceReport } from '../../../src/core/report/serviceReport';
import { SeriesStore } from '../../../src/core/store/seriesStore';

const MiB = 1024 * 1024;

/** Three instances for 60 ticks: CPU and RSS per instance, totals as their sums. */
function storeWith(cpu: readonly number[], rss: readonly number[]): SeriesStore {
  const store = new SeriesStore(200);
  for (let t = 0; t < 60; t++) {
    const samples: Sample[] = cpu.flatMap((c, i) => [
      { name: InstanceMetric.cpuPercent, labels: { instance: `w${i + 1}:80` }, value: c + (t % 3) },
      { name: InstanceMetric.rssBytes, labels: { instance: `w${i + 1}:80` }, value: rss[i]! },
      { name: InstanceMetric.up, labels: { instance: `w${i + 1}:80` }, value: 1 },
    ]);
    samples.push({ name: Metric.processCpuPercent, labels: {}, value: cpu.reduce((a, b) => a + b, 0) });
    samples.push({ name: Metric.processRssBytes, labels: {}, value: rss.reduce((a, b) => a + b, 0) });
    samples.push({ name: Metric.targetUp, labels: {}, value: 1 });
    store.append(1_000_000 + t * 1000, samples);
  }
  return store;
}

describe('instances compared with their siblings', () => {
  const window = { fromMs: 1_000_000, toMs: 1_059_000 };

  it('one worker hotter than its siblings is a finding, with the figures as evidence', () => {
    const figures = instanceFigures(storeWith([10, 12, 45], [100 * MiB, 100 * MiB, 100 * MiB]), window);
    assert.deepEqual(figures.map((f) => f.instance), ['w1:80', 'w2:80', 'w3:80']);
    const issue = unevenInstancesIssue(window, figures);
    assert.ok(issue);
    assert.equal(issue.id, 'uneven-instances');
    assert.equal(issue.severity, 'warning');
    assert.match(issue.summary, /w3:80 \(CPU mean 46(\.0)?% against 12(\.0)?%\)/);
    assert.doesNotMatch(issue.summary, /w1:80|w2:80/);
  });

  it('a leak in one instance only (memory well above the others) is a finding too', () => {
    const issue = unevenInstancesIssue(window, instanceFigures(storeWith([10, 10, 10], [100 * MiB, 105 * MiB, 400 * MiB]), window));
    assert.ok(issue);
    assert.match(issue.summary, /w3:80 \(memory mean 400 MiB/);
  });

  it('even instances, or a single one, are no finding', () => {
    assert.equal(unevenInstancesIssue(window, instanceFigures(storeWith([10, 12, 14], [100 * MiB, 110 * MiB, 120 * MiB]), window)), undefined);
    assert.equal(unevenInstancesIssue(window, instanceFigures(storeWith([50], [100 * MiB]), window)), undefined);
    // 3% against 1% is a ratio of 3 but not 10 points: not worth a finding.
    assert.equal(unevenInstancesIssue(window, instanceFigures(storeWith([1, 1, 3], [100 * MiB, 100 * MiB, 100 * MiB]), window)), undefined);
  });

  it('the analyzer reports it, and the report has a section per instance (JSON service.instances, Markdown "Instances")', () => {
    const store = storeWith([10, 12, 45], [100 * MiB, 100 * MiB, 300 * MiB]);
    const analysis = analyze(store, { fromMs: window.fromMs, toMs: window.toMs, nowMs: window.toMs });
    assert.ok(analysis.issues.some((i) => i.id === 'uneven-instances'));
    const service: ServiceState = {
      source: 'prometheus',
      where: 'job "chat" in Prometheus at http://127.0.0.1:9090',
      reachable: true,
      instances: ['w1:80', 'w2:80', 'w3:80'].map((instance, i) => ({ instance, up: i !== 1 })),
    };
    const target = { kind: 'running' as const, process: { pid: 0, commandLine: 'up{job="chat"}', executable: 'chat', ports: [], startTimeMs: 0, reason: 'r' }, service };
    const svc = serviceReport(service, store, window.fromMs, window.toMs)!;
    const report = buildReport({ target: reportTargetFrom(target), analysis, generatedAtMs: window.toMs, service: svc });
    const json = JSON.parse(renderJson(report)) as { target: { pid?: number }; service: { instancesUp: number; instanceCount: number; instances: { instance: string; up: boolean; upShare: number; cpuPercent: { mean: number; max: number }; rssBytes: { mean: number } }[] } };
    assert.equal(json.target.pid, undefined, 'no pid for a remote service');
    assert.equal(json.service.instanceCount, 3);
    assert.equal(json.service.instancesUp, 2);
    const w3 = json.service.instances.find((i) => i.instance === 'w3:80')!;
    assert.equal(w3.upShare, 1);
    assert.ok(Math.abs(w3.cpuPercent.mean - 46) < 0.1 && w3.cpuPercent.max === 47);
    assert.equal(w3.rssBytes.mean, 300 * MiB);
    const md = renderMarkdown(report);
    assert.match(md, /## Instances\n\njob "chat" in Prometheus at .*: 2 of 3 up at the end of the window\./);
    assert.match(md, /\| `w2:80` \| \*\*down\*\* \| 100(\.0)?% \| /);
    assert.doesNotMatch(md.split('## The server\'s own metrics')[1]!.split('##')[0]!, /service_instance/, 'per-instance series are not listed again as the server\'s own metrics');
    assert.ok(!md.includes(localClusterMetricsNote()), 'Prometheus scrapes every instance: no note');
    // A local process tree (a cluster): its /metrics is one worker's, and the report says so.
    const local: ServiceState = { source: 'local', where: 'process 100 and the processes it started', reachable: true, instances: ['pid 100', 'pid 101'].map((instance) => ({ instance, up: true })) };
    const localMd = renderMarkdown(buildReport({ target: reportTargetFrom(target), analysis, generatedAtMs: window.toMs, service: serviceReport(local, store, window.fromMs, window.toMs)! }));
    assert.ok(localMd.split('## Instances')[1]!.includes(localClusterMetricsNote()), 'the note in the Instances section');
  });
});
