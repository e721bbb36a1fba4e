import * as assert from 'node:assert/strict';
import { ANOMALY_METRIC, anomalyTargets, validateRules } from '../../../src/core/alerts/rule';
import { toPrometheusRulesYaml } from '../../../src/core/alerts/prometheusExport';
import { DEFAULT_ANOMALY_THRESHOLD, thresholdFor } from '../../../src/core/analyze/streaming';
import { AnomalySource } from '../../../src/core/collect/anomalySource';
import { LocateResult, Locator } from '../../../src/core/collect/targetTracker';
import { parseConfig } from '../../../src/core/config';
import { Metric } from '../../../src/core/model';
import { Monitor } from '../../../src/core/monitor';
import { SeriesStore } from '../../../src/core/store/seriesStore';
import { gaussian, mulberry32 } from '../analyze/synthetic';
import { fakeClock } from '../helpers/fakeClock';

const locator: Locator = {
  locate: async (): Promise<LocateResult> => ({ ok: true, process: { pid: 9, commandLine: 'node s.js', executable: 'node', ports: [8080], startTimeMs: 1, reason: 'pid 9' } }),
  isSameProcess: async () => true,
};

describe('anomaly alert rules', () => {
  it('compile to "anomaly_level >= the sensitivity\'s threshold" on the metric\'s series, medium by default', () => {
    const { rules, problems } = validateRules([
      { kind: 'anomaly', metric: 'chat_message_latency_seconds_p95' },
      { kind: 'anomaly', id: 'cpu-odd', metric: 'process_cpu_usage_percent', sensitivity: 'low', level: 'info', for: '10s' },
      { kind: 'anomaly', id: 'x', metric: 'process_cpu_usage_percent', sensitivity: 0.5 },
    ]);
    assert.deepEqual(problems, []);
    const [lat, cpu, x] = rules as [(typeof rules)[0], (typeof rules)[0], (typeof rules)[0]];
    assert.equal(lat.id, 'anomaly-chat_message_latency_seconds_p95');
    assert.equal(lat.level, 'warning');
    assert.equal(lat.metric, ANOMALY_METRIC);
    assert.equal(lat.op, '>=');
    assert.equal(lat.threshold, DEFAULT_ANOMALY_THRESHOLD);
    assert.ok(lat.matches({ series: 'chat_message_latency_seconds_p95' }));
    assert.ok(lat.matches({ series: 'chat_message_latency_seconds_p95{room="a"}' }));
    assert.ok(!lat.matches({ series: 'chat_message_latency_seconds_p95_other' }));
    assert.equal(cpu.threshold, thresholdFor('low'));
    assert.equal(cpu.forMs, 10_000);
    assert.equal(x.threshold, 0.5);
    assert.deepEqual(anomalyTargets(rules), ['chat_message_latency_seconds_p95', 'process_cpu_usage_percent']);
  });

  it('export to Prometheus as a z-score band over a day (the nearest plain PromQL), saying so', () => {
    const { rules } = validateRules([{ kind: 'anomaly', id: 'cpu-odd', metric: 'process_cpu_usage_percent' }]);
    const yaml = toPrometheusRulesYaml(rules);
    assert.match(yaml, /abs\(\(rate\(process_cpu_seconds_total\{job="chat-server"\}\[1m\]\) \* 100\) - avg_over_time\(/);
    assert.match(yaml, /> [\d.]+ \* stddev_over_time\(/);
    assert.match(yaml, /# Anomaly \(sensitivity medium\)/);
  });

  it('AnomalySource feeds each sample once, in order, and publishes the latest level per series', async () => {
    const store = new SeriesStore(5000);
    const g = gaussian(mulberry32(3));
    const t0 = Date.UTC(2026, 0, 1);
    const source = new AnomalySource(() => store, () => ['m']);
    const levels: number[] = [];
    for (let i = 0; i < 700; i++) {
      store.append(t0 + i * 1000, [{ name: 'm', labels: {}, value: i === 650 ? 90 : 10 + g() }]);
      const out = await source.collect();
      assert.equal(out.samples.length, 1);
      assert.equal(out.samples[0]!.labels.series, 'm');
      levels.push(out.samples[0]!.value);
    }
    assert.ok(levels[650]! >= DEFAULT_ANOMALY_THRESHOLD, `level at the spike ${levels[650]}`);
    assert.ok(Math.max(...levels.slice(0, 650)) < DEFAULT_ANOMALY_THRESHOLD);
  });

  it('a monitor with an anomaly rule fires when the watched series jumps, not while it is steady', async function () {
    this.timeout(60_000);
    const clock = fakeClock();
    const g = gaussian(mulberry32(8));
    let jump = false;
    const monitor = new Monitor({
      clock,
      locator,
      createSources: () => [{ id: 'process', collect: async () => ({ samples: [{ name: Metric.processCpuPercent, labels: {}, value: jump ? 95 : 12 + 2 * g() }], problems: [] }) }],
    });
    monitor.configure(parseConfig({ 'target.port': 8080 }).config);
    const { rules } = validateRules([{ kind: 'anomaly', id: 'cpu-odd', metric: Metric.processCpuPercent, level: 'warning' }]);
    monitor.setAlertRules(rules);
    monitor.start();
    await clock.tickAsync(400_000);
    assert.deepEqual(monitor.alerts.active().filter((a) => a.state === 'firing'), []);
    jump = true;
    await clock.tickAsync(3000);
    await monitor.stop();
    assert.ok(monitor.alerts.active().some((a) => a.id.startsWith('cpu-odd') && a.state === 'firing'));
    monitor.dispose();
  });
});
