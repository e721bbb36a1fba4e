import { strict as assert } from 'node:assert';
import { Metric } from '../../src/core/model';
import { formatByName, formatValue, inferUnit, inferUnitSpec, unitFromWord, UNITS } from '../../src/core/units';
import { describeSeries } from '../../src/core/chartData';
import { validateRules } from '../../src/core/alerts/rule';

describe('units (one inference rule, one formatter)', () => {
  it('reads the unit from the name suffix', () => {
    assert.equal(inferUnit(Metric.processRssBytes), 'bytes');
    assert.equal(inferUnit(Metric.systemNetRxBytesPerSecond), 'bytesPerSecond');
    assert.equal(inferUnit('chat_messages_per_second'), 'perSecond');
    assert.equal(inferUnit(Metric.processCpuPercent), 'percent');
    assert.equal(inferUnit('chat_response_time_seconds_p95'), 'seconds');
    assert.equal(inferUnit('chat_response_time_seconds_p99_9'), 'seconds');
    assert.equal(inferUnit('chat_response_time_seconds_mean'), 'seconds');
    assert.equal(inferUnit('chat_error_ratio'), 'ratio');
    assert.equal(inferUnit('chat_active_users'), 'count');
    assert.equal(inferUnit('process_cpu_seconds_total'), 'seconds');
    assert.equal(inferUnit('memory_seconds_to_limit'), 'seconds');
  });

  it('x_seconds_max is seconds on the chart and in alerts alike', () => {
    const name = 'http_server_requests_seconds_max';
    assert.equal(inferUnit(name), 'seconds');
    assert.equal(describeSeries([{ key: name, name, labels: {} }])[0]!.unit, 'seconds');
    const { rules } = validateRules([{ id: 'slow', metric: name, op: '>', threshold: 0.5, level: 'warning' }]);
    const rule = rules.find((r) => r.id === 'slow');
    assert.ok(rule, 'the rule compiles');
    assert.equal(rule.unit.kind, 'seconds');
  });

  it('# UNIT metadata comes first, the name second; a derived rate stays per second', () => {
    assert.equal(inferUnit('gc_pause', { unit: 'seconds' }), 'seconds');
    assert.equal(inferUnit('heap_used', { unit: 'bytes' }), 'bytes');
    assert.equal(inferUnit('heap_used_bytes', { unit: 'furlongs' }), 'bytes');
    assert.equal(inferUnit('requests_per_second', { unit: 'seconds' }), 'perSecond');
  });

  it('a rule names a unit by word or gives literal text', () => {
    assert.equal(unitFromWord('%').kind, 'percent');
    assert.equal(unitFromWord('none').kind, 'count');
    assert.deepEqual(unitFromWord(' users '), { kind: 'custom', symbol: 'users' });
    assert.equal(inferUnitSpec(Metric.processRssBytes).symbol, 'B');
  });

  it('formats every unit, with a dash for no value', () => {
    const seen = UNITS.map((u) => formatValue(1.5, u));
    assert.deepEqual(seen, ['1.5%', '2 B', '2 B/s', '1.5/s', '1.5 s', '1970-01-01T00:00:01Z', '150%', '1.5']);
    assert.equal(formatValue(null, 'bytes'), '—');
    assert.equal(formatValue(Number.NaN, 'percent'), '—');
    assert.equal(formatValue(80.44, 'percent'), '80%');
    assert.equal(formatValue(80.44, 'percent', { precise: true }), '80.4%');
    assert.equal(formatValue(0.1234, 'ratio', { precise: true }), '12.3%');
    assert.equal(formatValue(42, unitFromWord('users')), '42 users');
  });

  it('formats by the unit in the metric name', () => {
    assert.equal(formatByName('process_resident_memory_bytes', 1024 * 1024), '1 MiB');
    assert.equal(formatByName('chat_message_latency_seconds_p95', 0.25), '250 ms');
    assert.equal(formatByName('process_uptime_seconds', 3900), '1 h 5 min');
    assert.equal(formatByName('system_network_receive_bytes_per_second', 1024), '1 KiB/s');
    assert.equal(formatByName('nodejs_gc_time_ratio', 0.16), '16%');
  });
});
