import { ALERT_LEVELS } from '../../shared/vocabulary';
import { DURATION_PATTERN } from './duration';
import { defaultRules } from './defaults';
import { COMPARISON_OPS } from './rule';
import { ACTION_DEFAULTS, ACTION_KINDS, ACTION_MODES } from './ruleActions';

/**
 * The JSON schema of one entry of `chatroomMonitor.alerts.rules`, for the settings
 * contribution (VS Code completes and underlines as the user types). The rule
 * compiler ({@link validateRules}) is what decides; this schema is built from the same
 * levels, operators and duration grammar so the two cannot disagree.
 */

/** From the built-in rules themselves, so a new one is named here too. */
const BUILT_IN_IDS = defaultRules()
  .map((r) => `\`${r.id ?? ''}\``)
  .join(', ');
const METRIC_PATTERN = '^[a-zA-Z_:][a-zA-Z0-9_:]*$';

const duration = (markdownDescription: string) => ({ type: ['string', 'number'], pattern: DURATION_PATTERN, markdownDescription });

const COMMON = {
  id: {
    type: 'string',
    minLength: 1,
    markdownDescription: `Unique id. A rule with the id of a built-in rule (${BUILT_IN_IDS}) changes that rule; \`{ "id": "target-down", "enabled": false }\` turns it off.`,
  },
  enabled: { type: 'boolean', default: true, description: 'false turns the rule off.' },
  level: {
    type: 'string',
    enum: [...ALERT_LEVELS],
    enumDescriptions: ['An information notification.', 'A warning notification.', 'An error notification.', 'An error notification that also mutes warnings on the same series.'],
  },
  for: duration('How long the condition must hold before the alert fires (default `0`).'),
  keepFiringFor: duration('Keep firing this long after the condition stops holding (Prometheus `keep_firing_for`).'),
  title: { type: 'string', markdownDescription: 'Title template: `{{value}}`, `{{threshold}}`, `{{unit}}`, `{{metric}}`, `{{for}}`, `{{level}}`, `{{labels.room}}`.' },
  message: { type: 'string', markdownDescription: 'Message template, with the same variables as `title`.' },
  unit: { type: 'string', description: 'Unit for formatting values, overriding the one inferred from the metric name.' },
  actions: {
    type: 'array',
    items: {
      type: 'object',
      required: ['do'],
      additionalProperties: false,
      properties: {
        do: {
          type: 'string',
          enum: [...ACTION_KINDS],
          enumDescriptions: [
            'Restart the server the monitor started.',
            'Set the number of worker processes (WEB_CONCURRENCY) and restart; Undo sets it back.',
            'Record a CPU profile of the server.',
            'Take a heap profile of the server.',
            'Run a VS Code task by name.',
            'Run a command line in the workspace folder, e.g. docker compose up -d --scale chat=2.',
          ],
        },
        mode: {
          type: 'string',
          enum: [...ACTION_MODES],
          default: ACTION_DEFAULTS.mode,
          enumDescriptions: [
            'Ask before running it (default).',
            'Run it without asking (the first automatic action of each kind asks once per workspace).',
            'Only write to the audit log what would have been done.',
          ],
        },
        cooldown: duration('No second run (for this rule) sooner than this after the last (default `5m`).'),
        maxPerHour: { type: 'integer', minimum: 1, maximum: 60, default: ACTION_DEFAULTS.maxPerHour, markdownDescription: 'At most this many runs in any hour (default 3).' },
        workers: { type: 'integer', minimum: 1, maximum: 64, markdownDescription: '`scale`: the worker count to set.' },
        task: { type: 'string', markdownDescription: "`runTask`: the task's name in tasks.json." },
        command: { type: 'string', markdownDescription: '`command`: the command line to run.' },
        duration: duration('`cpuProfile` / `heapProfile`: how long to record, 1s to 60s (default `10s` for CPU, `20s` for heap growth).'),
      },
    },
    markdownDescription:
      'Automated actions when this alert starts firing: `[{ "do": "restart", "mode": "auto", "cooldown": "10m", "maxPerHour": 2 }]`. Every run, skip and refusal is written to the audit log (**Chat-Room Monitor: Show Audit Log**). Nothing runs in an untrusted workspace.',
  },
};

export const ALERT_RULE_ITEMS_SCHEMA = {
  type: 'object',
  defaultSnippets: [
    {
      label: 'Threshold rule',
      body: { id: '${1:my-rule}', metric: '${2:process_cpu_usage_percent}', op: '>', threshold: '^${3:80}', level: '${4|warning,info,error,critical|}', for: '${5:30s}' },
    },
    { label: 'Server not running', body: { kind: 'targetDown', id: 'target-down', level: 'error', for: '5s' } },
    {
      label: 'Forecast: reaches a limit soon',
      body: { kind: 'forecast', metric: '${1:process_resident_memory_bytes}', limit: '^${2:536870912}', within: '${3:15m}', level: 'warning' },
    },
    {
      label: 'Anomaly: unusual for this series',
      body: { kind: 'anomaly', metric: '${1:chat_message_latency_seconds_p95}', sensitivity: '${2|medium,low,high|}', level: 'warning', for: '${3:10s}' },
    },
  ],
  anyOf: [
    {
      title: 'Threshold rule',
      required: ['id', 'metric', 'op', 'threshold', 'level'],
      additionalProperties: false,
      properties: {
        ...COMMON,
        kind: { const: 'threshold' },
        metric: {
          type: 'string',
          pattern: METRIC_PATTERN,
          markdownDescription: 'The series name, e.g. `process_cpu_usage_percent`, `system_memory_usage_percent`, `chat_message_latency_seconds_p95`, `chat_messages_per_second`.',
        },
        labels: {
          type: 'object',
          additionalProperties: { type: 'string' },
          markdownDescription: 'Label matchers: `"general"` exact, `"=~gen.*"` regex, `"!=x"`, `"!~re"`.',
        },
        op: { type: 'string', enum: [...COMPARISON_OPS] },
        threshold: { type: 'number' },
        clearThreshold: {
          type: 'number',
          markdownDescription: 'Hysteresis: once firing, stays firing until the value crosses this the other way (e.g. `> 80`, clear at `75`).',
        },
      },
    },
    {
      title: 'Server not running',
      required: ['kind'],
      additionalProperties: false,
      properties: { ...COMMON, kind: { const: 'targetDown' } },
    },
    {
      title: 'Forecast rule',
      required: ['kind', 'metric', 'limit'],
      additionalProperties: false,
      properties: {
        ...COMMON,
        kind: { const: 'forecast' },
        metric: { type: 'string', pattern: METRIC_PATTERN },
        limit: { type: 'number', description: 'The limit the series must not reach.' },
        within: duration('Fire when the linear forecast reaches the limit within this time (default `15m`).'),
      },
    },
    {
      title: 'Anomaly rule',
      required: ['kind', 'metric'],
      additionalProperties: false,
      properties: {
        ...COMMON,
        kind: { const: 'anomaly' },
        metric: { type: 'string', pattern: METRIC_PATTERN, markdownDescription: 'The series name to watch, e.g. `chat_message_latency_seconds_p95`; each label set is learnt on its own.' },
        sensitivity: {
          anyOf: [
            { type: 'string', enum: ['low', 'medium', 'high'], enumDescriptions: ['Fewer, surer alerts (p ≤ 10⁻⁴).', 'The default: the threshold chosen on the Numenta Anomaly Benchmark.', 'More alerts (p ≤ 10⁻²).'] },
            { type: 'number', exclusiveMinimum: 0, maximum: 1 },
          ],
          default: 'medium',
          markdownDescription: 'How unusual a value must be, **for this series**, to alert: no number to tune per metric. `"low"`, `"medium"` (default) or `"high"`, or an anomaly level in (0, 1] (−log10 p / 10).',
        },
      },
    },
  ],
};
