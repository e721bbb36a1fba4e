import * as l10n from '@vscode/l10n';
import { InstanceMetric, Metric, TraceMetric } from '../model';
import { describeType } from './duration';
import { AlertRuleConfig, CompiledRule, RULES_SETTING, ruleOrigin, validateRules } from './rule';

/** The setting that turns the built-in rules on or off as a whole. */
export const USE_DEFAULTS_SETTING = 'chatroomMonitor.alerts.useDefaults';

/**
 * The built-in rules: the seed's CPU / memory / disk rules, aimed at the watched
 * process where that is what a developer cares about, plus "server not running" and
 * message latency. Every rule has its own id, so the 80% warning and the 95% critical
 * on the same metric both exist (the seed keyed rules by metric name and lost one).
 *
 * `for` and `clearThreshold` are what keep a busy dev server from flapping: a compile
 * or a test run spikes CPU for a few seconds, and that is not worth a notification.
 */
export function defaultRules(): AlertRuleConfig[] {
  return [
    {
      id: 'process-cpu-warning',
      metric: Metric.processCpuPercent,
      op: '>',
      threshold: 80,
      clearThreshold: 75,
      for: '30s',
      level: 'warning',
      title: l10n.t('Chat server CPU high'),
      message: l10n.t('The chat server has used more than {{threshold}} CPU for {{for}}; it is now at {{value}}.'),
    },
    {
      id: 'process-cpu-critical',
      metric: Metric.processCpuPercent,
      op: '>',
      threshold: 95,
      clearThreshold: 90,
      for: '30s',
      level: 'critical',
      title: l10n.t('Chat server CPU saturated'),
      message: l10n.t('The chat server has used more than {{threshold}} CPU for {{for}} ({{value}} now): it is probably stuck in a busy loop or overloaded.'),
    },
    {
      id: 'system-memory-warning',
      metric: Metric.systemMemoryPercent,
      op: '>',
      threshold: 85,
      clearThreshold: 82,
      for: '30s',
      level: 'warning',
      title: l10n.t('System memory high'),
      message: l10n.t('System memory use is {{value}} (above {{threshold}} for {{for}}).'),
    },
    {
      id: 'system-memory-critical',
      metric: Metric.systemMemoryPercent,
      op: '>',
      threshold: 95,
      clearThreshold: 92,
      for: '30s',
      level: 'critical',
      title: l10n.t('System memory almost exhausted'),
      message: l10n.t('System memory use is {{value}} (above {{threshold}} for {{for}}); the system may start swapping or killing processes.'),
    },
    {
      id: 'system-disk-warning',
      metric: Metric.systemDiskPercent,
      op: '>',
      threshold: 90,
      clearThreshold: 88,
      for: '1m',
      level: 'warning',
      title: l10n.t('Disk almost full'),
      message: l10n.t('Disk use is {{value}} (above {{threshold}}).'),
    },
    {
      // 5s rides out a watcher (nodemon, `node --watch`) restarting the server on save,
      // which takes a second or two; a crash is still reported within a few ticks.
      kind: 'targetDown',
      id: 'target-down',
      level: 'error',
      for: '5s',
      title: l10n.t('Chat server is not running'),
      message: l10n.t('The chat server you are watching is not running. Start it, or check chatroomMonitor.target.'),
    },
    {
      // Only for a service of many instances (chatroomMonitor.prometheus.*, or the processes
      // of the watched tree): one alert per lost instance, at the first tick that sees it
      // down, while the others keep the service "running".
      id: 'instance-down',
      metric: InstanceMetric.up,
      op: '==',
      threshold: 0,
      for: '0s',
      level: 'error',
      title: l10n.t('Instance {{labels.instance}} is down'),
      message: l10n.t('Instance {{labels.instance}} of the service is down (a Prometheus target that cannot be scraped, or a worker process that exited); the other instances carry its load.'),
    },
    {
      // Only when the server's /metrics exposes the latency histogram: without the
      // series there is nothing to evaluate, and no alert.
      id: 'message-latency-p95',
      metric: 'chat_message_latency_seconds_p95',
      op: '>',
      threshold: 0.5,
      clearThreshold: 0.4,
      for: '1m',
      level: 'warning',
      title: l10n.t('Slow message delivery'),
      message: l10n.t('95% of messages are delivered within {{value}}, above the {{threshold}} target.'),
    },
    {
      // Only while the OTLP receiver gets spans: one alert per entry operation (its
      // labels), from the spans' own durations over the last 30 s.
      id: 'operation-latency-p95',
      metric: TraceMetric.durationP95,
      op: '>',
      threshold: 0.5,
      clearThreshold: 0.4,
      for: '1m',
      level: 'warning',
      title: l10n.t('Slow operation {{labels.operation}}'),
      message: l10n.t('95% of {{labels.service}} "{{labels.operation}}" spans finish within {{value}}, above the {{threshold}} target; Show Traces has the slowest traces.'),
    },
    {
      // Only when log files are followed (chatroomMonitor.logs.files): errors the
      // server logs (level error/fatal, or an event carrying an error/stack).
      id: 'log-error-rate',
      metric: Metric.logErrorsPerSecond,
      op: '>',
      threshold: 1,
      clearThreshold: 0.5,
      for: '30s',
      level: 'warning',
      title: l10n.t('Errors in the server logs'),
      message: l10n.t('The server has logged more than {{threshold}} errors per second for {{for}} ({{value}} now); the error groups are in Problems and in the report.'),
    },
  ];
}

/**
 * Combines the built-in rules with the user's `chatroomMonitor.alerts.rules`:
 * - `useDefaults: false` drops every built-in rule;
 * - a user rule with a built-in rule's id is laid over it field by field, so
 *   `{ "id": "process-cpu-warning", "threshold": 70 }` changes one number (its
 *   clearThreshold follows, same gap) and
 *   `{ "id": "target-down", "enabled": false }` turns that rule off;
 * - any other user rule is added after the built-in ones.
 * Returns the entries for {@link validateRules} with `origins` naming where each came from.
 */
export function mergeRules(
  defaults: readonly AlertRuleConfig[],
  user: unknown,
  useDefaults: unknown = true,
): { entries: unknown[]; origins: string[]; problems: string[] } {
  const problems: string[] = [];
  let useBuiltIn = true;
  if (typeof useDefaults === 'boolean') {
    useBuiltIn = useDefaults;
  } else if (useDefaults !== undefined && useDefaults !== null) {
    problems.push(l10n.t('{0} must be true or false, not {1}; the built-in rules stay on.', USE_DEFAULTS_SETTING, describeType(useDefaults)));
  }
  let userList: unknown[] = [];
  if (Array.isArray(user)) {
    userList = user;
  } else if (user !== undefined && user !== null) {
    problems.push(l10n.t('{0} must be a list of rules, not {1}; only the built-in rules apply.', RULES_SETTING, describeType(user)));
  }

  const entries: unknown[] = [];
  const origins: string[] = [];
  const byId = new Map<string, number>();
  if (useBuiltIn) {
    for (const d of defaults) {
      byId.set(d.id ?? '', entries.length);
      entries.push({ ...d });
      origins.push(l10n.t('built-in'));
    }
  }
  userList.forEach((u, i) => {
    const where = ruleOrigin(i);
    const id = typeof u === 'object' && u !== null && !Array.isArray(u) ? (u as Record<string, unknown>).id : undefined;
    const at = typeof id === 'string' ? byId.get(id.trim()) : undefined;
    if (at !== undefined) {
      entries[at] = overlay(entries[at] as Record<string, unknown>, u as Record<string, unknown>);
      origins[at] = l10n.t('built-in, changed by {0}', where);
      byId.delete(id as string); // a second override of the same id is reported as a duplicate
    } else {
      entries.push(u);
      origins.push(where);
    }
  });
  return { entries, origins, problems };
}

/**
 * Lays a user's fields over a built-in rule. A new threshold moves the built-in
 * clearThreshold with it (same gap), so `{ "id": "process-cpu-warning", "threshold": 70 }`
 * keeps its hysteresis instead of failing validation; a new `op` drops it.
 */
function overlay(base: Record<string, unknown>, user: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base, ...user };
  if (!('clearThreshold' in user) && typeof base.clearThreshold === 'number') {
    if ('op' in user && user.op !== base.op) {
      delete out.clearThreshold;
    } else if (typeof user.threshold === 'number' && typeof base.threshold === 'number') {
      out.clearThreshold = user.threshold - (base.threshold - base.clearThreshold);
    }
  }
  return out;
}

/** Settings in, compiled rules and every problem sentence out: merge, then validate. Never throws. */
export function compileAlertRules(
  user: unknown,
  useDefaults: unknown = true,
  defaults: readonly AlertRuleConfig[] = defaultRules(),
): { rules: CompiledRule[]; problems: string[] } {
  const merged = mergeRules(defaults, user, useDefaults);
  const validated = validateRules(merged.entries, merged.origins);
  return { rules: validated.rules, problems: [...merged.problems, ...validated.problems] };
}
