import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileAlertRules } from '../../../src/core/alerts/defaults';
import { alertName, toPrometheusRulesYaml, yamlString } from '../../../src/core/alerts/prometheusExport';
import { compile } from './helpers';

const PROMTOOL = '/usr/bin/promtool';

/** Runs promtool with files written to a temp dir; returns its exit code and output. */
function promtool(args: (dir: string) => string[], files: Record<string, string>): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'crm-promtool-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(join(dir, name), text);
    }
    const r = spawnSync(PROMTOOL, args(dir), { cwd: dir, encoding: 'utf8', timeout: 15_000 });
    return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function checkRules(yaml: string): { status: number | null; output: string } {
  return promtool(() => ['check', 'rules', 'rules.yml'], { 'rules.yml': yaml });
}

const tricky = [
  {
    id: 'room "latency" / it\'s',
    metric: 'chat_message_latency_seconds_p99',
    labels: { room: '=~gen.*|a\\.b', shard: '!=x"y\\z', region: '!~eu-.*', name: "o'brien" },
    op: '>=',
    threshold: 1.5,
    level: 'error',
    for: '1m30s',
    keepFiringFor: '2m',
    title: 'It\'s "slow" {{ not a placeholder in {{labels.room}} — ünïcödé',
    message: 'v={{value}} t={{threshold}} {{unit}} {{metric}} {{for}} {{level}} {{op}} {{id}}\nsecond line\ttab \\ backslash',
  },
  { id: '42-rooms', metric: 'chat_rooms', op: '!=', threshold: 42, level: 'info', unit: 'rooms "open"' },
  { id: 'msgs', metric: 'chat_messages_per_second', labels: { room: 'general' }, op: '<', threshold: 0.001, level: 'warning' },
  { id: 'sys-cpu', metric: 'system_cpu_usage_percent', op: '>', threshold: 90, level: 'warning', clearThreshold: 85 },
  { id: 'sys-cpu-by-core', metric: 'system_cpu_usage_percent', labels: { cpu: '0' }, op: '>', threshold: 90, level: 'warning' },
  { id: 'threads', metric: 'process_threads', op: '>', threshold: 200, level: 'warning' },
  { id: 'fds', metric: 'process_open_fds', op: '>', threshold: 1000, level: 'warning' },
  { kind: 'forecast', metric: 'process_resident_memory_bytes', limit: 2 * 1024 ** 3, within: '30m' },
  { kind: 'forecast', metric: 'system_disk_usage_percent', limit: 100, within: '2h', title: 'Disk full in {{within}}' },
  { kind: 'targetDown', id: 'down', for: 0 },
];

describe('toPrometheusRulesYaml', () => {
  it('exports the default rules as a file promtool accepts', () => {
    const { rules } = compileAlertRules([]);
    const yaml = toPrometheusRulesYaml(rules);
    const r = checkRules(yaml);
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, new RegExp(`SUCCESS: ${compileAlertRules([]).rules.length} rules found`));
  });

  it('exports tricky user rules (regex matchers, quotes, braces, newlines, unicode) as a file promtool accepts', () => {
    const yaml = toPrometheusRulesYaml(compile(tricky), { job: 'my "chat"', group: "dev's rules" });
    const r = checkRules(yaml);
    assert.equal(r.status, 0, `${r.output}\n${yaml}`);
    assert.match(r.output, new RegExp(`SUCCESS: ${tricky.length} rules found`));
  });

  it('promtool does reject a broken file (so the checks above can fail)', () => {
    const yaml = toPrometheusRulesYaml(compile([{ id: 'x', metric: 'm', op: '>', threshold: 1, level: 'info' }])).replace("'m{job=\"chat-server\"} > 1'", "'m{job=\"chat-server\" > 1'");
    assert.notEqual(checkRules(yaml).status, 0);
  });

  it('translates our series to PromQL', () => {
    const yaml = toPrometheusRulesYaml(compileAlertRules([{ id: 'msgs', metric: 'chat_messages_per_second', labels: { room: '=~gen.*' }, op: '<', threshold: 1, level: 'info' }]).rules, { job: 'chat' });
    const exprs = [...yaml.matchAll(/expr: '(.*)'/g)].map((m) => m[1]!.replace(/''/g, "'"));
    assert.ok(exprs.includes('up{job="chat"} == 0'), exprs.join('\n'));
    assert.ok(exprs.some((e) => e.startsWith('(rate(process_cpu_seconds_total{job="chat"}[1m]) * 100) > 80 or ')));
    assert.ok(exprs.some((e) => e.startsWith('(histogram_quantile(0.95, sum by (le) (rate(chat_message_latency_seconds_bucket{job="chat"}[5m])))) > 0.5')));
    assert.ok(exprs.some((e) => e.startsWith('(100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)) > 85')));
    assert.ok(exprs.includes('(rate(chat_messages_total{job="chat",room=~"gen.*"}[1m])) < 1'));
    assert.match(yaml, /# chat_messages_per_second: the rate of the counter chat_messages_total\./);
    assert.match(yaml, /for: 30s\n/);
    assert.match(yaml, /severity: 'critical'/);
    assert.match(yaml, /description: 'The chat server has used more than 80% CPU for 30s; it is now at \{\{ \$value \| printf "%\.1f" \}\}%\.'/);
  });

  it('keeps our own system series with a comment when labels rule out the node_exporter form', () => {
    const yaml = toPrometheusRulesYaml(compile([tricky[4]!, tricky[5]!]));
    assert.match(yaml, /# system_cpu_usage_percent: measured by Chat-Room Monitor itself.*\n.*\n\s+expr: 'system_cpu_usage_percent\{cpu="0"\} > 90'/);
    assert.match(yaml, /expr: 'process_threads > 200'/);
  });

  it('keeps the meaning: hysteresis and keep_firing_for behave in promtool’s rule tests as in the engine', () => {
    const rules = compile([
      { id: 'latency', metric: 'chat_latency_seconds', op: '>', threshold: 0.5, clearThreshold: 0.4, level: 'warning', title: 'Latency high', message: 'now {{value}}' },
      { id: 'errors', metric: 'chat_errors', op: '>', threshold: 0, keepFiringFor: '2m', level: 'error', title: 'Errors', message: 'errors {{value}}' },
    ]);
    const test = `rule_files: [rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'chat_latency_seconds{job="chat-server"}'
        values: '0.3 0.6 0.45 0.35'
      - series: 'chat_errors{job="chat-server"}'
        values: '0 3 0 0 0 0'
    alert_rule_test:
      - eval_time: 2m
        alertname: Latency
        exp_alerts:
          - exp_labels: { severity: warning, job: chat-server }
            exp_annotations: { summary: 'Latency high', description: 'now 450ms' }
      - eval_time: 3m
        alertname: Latency
        exp_alerts: []
      - eval_time: 3m
        alertname: Errors
        exp_alerts:
          - exp_labels: { severity: error, job: chat-server }
            exp_annotations: { summary: 'Errors', description: 'errors 3' }
      - eval_time: 4m
        alertname: Errors
        exp_alerts: []
`;
    const r = promtool(() => ['test', 'rules', 'test.yml'], { 'rules.yml': toPrometheusRulesYaml(rules), 'test.yml': test });
    assert.equal(r.status, 0, r.output);
  });

  it('names alerts in CamelCase and quotes YAML safely', () => {
    assert.deepEqual(['process-cpu-warning', 'p95_latency', '42-rooms', '--', 'a.b c'].map(alertName), ['ProcessCpuWarning', 'P95Latency', 'Alert42Rooms', 'ChatroomMonitorAlert', 'ABC']);
    assert.equal(yamlString("it's"), "'it''s'");
    assert.equal(yamlString('a\nb"\\'), '"a\\nb\\"\\\\"');
  });

  it('writes a valid file with no rules', () => {
    assert.equal(checkRules(toPrometheusRulesYaml([])).status, 0);
  });
});
