import assert from 'node:assert/strict';
import { effectiveMetricsUrl, parseConfig } from '../../src/core/config';
import { validateMetricsUrl } from '../../src/core/scrape/metricsUrl';

const checkMetricsUrl = (u: string, allowRemote: boolean) => validateMetricsUrl(u, { allowRemote });

describe('parseConfig', () => {
  it('gives defaults for empty settings', () => {
    const { config, problems } = parseConfig({});
    assert.deepEqual(problems, []);
    assert.equal(config.sampleIntervalMs, 1000);
    assert.equal(config.historyMinutes, 60);
    assert.equal(config.metricsUrl, undefined);
    // The process tree (cluster workers) is watched by default.
    assert.deepEqual(config.target, { processTree: true });
  });

  it('names the setting and the fix for each bad field, and keeps the good ones', () => {
    const { config, problems } = parseConfig({
      'target.pid': -3,
      'target.port': 70000,
      'target.commandPattern': 'node (server',
      'target.name': 'chat',
      sampleIntervalMs: 10,
      'metrics.url': 'ftp://example.invalid/metrics',
    });
    const order = ['target.pid', 'target.port', 'target.commandPattern', 'sampleIntervalMs', 'metrics.url'];
    const text = [...problems].sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key)).map((p) => p.message);
    assert.equal(problems.length, 5, text.join('\n'));
    assert.match(text[0]!, /^chatroomMonitor\.target\.pid: -3 is not a process id/);
    assert.match(text[1]!, /^chatroomMonitor\.target\.port: 70000 is not a TCP port; use a whole number from 1 to 65535/);
    assert.match(text[2]!, /^chatroomMonitor\.target\.commandPattern: "node \(server" is not a valid regular expression/);
    assert.match(text[3]!, /^chatroomMonitor\.sampleIntervalMs: 10 is outside 250–60000 ms; using 250 ms/);
    assert.match(text[4]!, /^chatroomMonitor\.metrics\.url must start with http:\/\/ or https:\/\//);
    assert.equal(config.target.name, 'chat');
    assert.equal(config.sampleIntervalMs, 250);
    assert.equal(config.metricsUrl, '', 'a bad URL turns scraping off instead of guessing');
  });

  it('derives the metrics URL from the port unless set or disabled', () => {
    const base = parseConfig({ 'target.port': 8080 }).config;
    assert.equal(effectiveMetricsUrl(base, [9999]), 'http://127.0.0.1:8080/metrics');
    assert.equal(effectiveMetricsUrl(parseConfig({ 'target.pid': 5 }).config, [3000]), 'http://127.0.0.1:3000/metrics');
    assert.equal(effectiveMetricsUrl(parseConfig({ 'metrics.url': '' }).config, [3000]), undefined);
    assert.equal(effectiveMetricsUrl(parseConfig({ 'metrics.url': 'http://localhost:9/m' }).config, [3000]), 'http://localhost:9/m');
  });

  it('keeps an untrusted workspace on this machine', () => {
    assert.equal(checkMetricsUrl('http://10.0.0.5:8080/metrics', false).ok, false);
    assert.equal(checkMetricsUrl('http://10.0.0.5:8080/metrics', true).ok, true);
    for (const local of ['http://127.0.0.1:1/m', 'http://localhost:1/m', 'http://[::1]:1/m', 'http://127.8.9.1/m']) {
      assert.equal(checkMetricsUrl(local, false).ok, true, local);
    }
    const { problems } = parseConfig({ 'metrics.url': 'http://192.168.1.2/metrics' }, { allowRemoteMetrics: false });
    assert.match(problems[0]!.message, /trust/i);
  });

  it('never throws on values of the wrong type', () => {
    for (const v of [null, true, 'x', {}, [], 1.5, Number.NaN, -1]) {
      assert.doesNotThrow(() => parseConfig({ 'target.pid': v, 'target.port': v, 'target.commandPattern': v, 'target.name': v, sampleIntervalMs: v, 'metrics.url': v, 'history.minutes': v, 'analysis.memoryLimitMb': v }));
    }
  });
});
