import * as l10n from '@vscode/l10n';
import { ALERT_LEVELS, AlertLevel } from '../../shared/vocabulary';
import { Labels, Metric } from '../model';
import { compileMatcher, LabelMatcher } from '../store/seriesStore';
import { describeType, parseDuration } from './duration';
import { ActionSpec, validateActions } from './ruleActions';
import { CompiledTemplate, compileTemplate } from './template';
import { inferUnitSpec, unitFromWord, UnitSpec } from '../units';
import { Sensitivity, thresholdFor } from '../analyze/streaming';


export type ComparisonOp = '>' | '>=' | '<' | '<=' | '==' | '!=';
export const COMPARISON_OPS: readonly ComparisonOp[] = ['>', '>=', '<', '<=', '==', '!='];

/** `"30s"`, `"2m"`, `"1h30m"`, `"500ms"`, or a number of seconds. */
export type DurationInput = string | number;

/** Fields every kind of rule shares. */
interface CommonRuleConfig {
  /** Unique among all rules; a user rule with a default's id is laid over that default. */
  id: string;
  /** `false` turns the rule off (it is then not validated further). Default true. */
  enabled?: boolean;
  level: AlertLevel;
  /** How long the condition must hold, on sample time, before the alert fires. Default 0. */
  for?: DurationInput;
  /** Once the condition stops holding, keep firing this long (Prometheus' keep_firing_for). */
  keepFiringFor?: DurationInput;
  /** Templates: {{value}} {{threshold}} {{unit}} {{metric}} {{for}} {{level}} {{op}} {{id}} {{labels.<name>}}. */
  title?: string;
  message?: string;
  /** Automated actions when the alert starts firing (see ./ruleActions.ts). */
  actions?: unknown[];
}

/**
 * A threshold rule, as a user writes it in `chatroomMonitor.alerts.rules`.
 *
 * `labels` values: `"general"` matches exactly; a prefix picks another PromQL matcher —
 * `"=~gen.*"` (regex), `"!=general"`, `"!~test.*"`; `"=..."` forces an exact match for a
 * value that itself starts with `=` or `!`. Regexes are anchored at both ends, as in
 * PromQL, and must be RE2-compatible (no lookaround or backreferences) so the rule
 * exports to Prometheus unchanged. A label the series lacks reads as "".
 */
export interface ThresholdRuleConfig extends CommonRuleConfig {
  kind?: 'threshold';
  metric: string;
  labels?: Record<string, string>;
  op: ComparisonOp;
  threshold: number;
  /**
   * Hysteresis: once firing, the alert stays firing while `value op clearThreshold`
   * still holds (for `>` 80 with clearThreshold 75: until the value is 75 or less).
   * Only for `>`, `>=`, `<`, `<=`; it must sit on the "good" side of the threshold.
   */
  clearThreshold?: number;
  /** Unit for formatting, overriding the one inferred from the metric name suffix. */
  unit?: string;
}

/** Fires while the watched server is not running (the collector writes `target_up` 0). */
export interface TargetDownRuleConfig extends Omit<CommonRuleConfig, 'id' | 'level'> {
  kind: 'targetDown';
  /** Default `target-down`. */
  id?: string;
  /** Default `error`. */
  level?: AlertLevel;
}

/**
 * Fires when the analyzer forecasts that `metric` reaches `limit` within `within`.
 *
 * Contract with the analyzer: for each `{ metric, limit }` from {@link forecastTargets}
 * it publishes `forecast_seconds_to_limit{series="<seriesKey of the watched series>",
 * limit="<String(limit)>"}` = seconds until the linear trend reaches the limit
 * (+Inf, or no sample, when it is not heading there). The rule then is a threshold
 * rule `forecast_seconds_to_limit <= within` on those series.
 */
export interface ForecastRuleConfig extends Omit<CommonRuleConfig, 'id' | 'level'> {
  kind: 'forecast';
  /** Default `forecast-<metric>`. */
  id?: string;
  metric: string;
  limit: number;
  /** Default 15m. */
  within?: DurationInput;
  /** Default `warning`. */
  level?: AlertLevel;
  unit?: string;
}

/**
 * Fires while `metric` is unusual for itself: no number to choose, a sensitivity.
 *
 * Contract with the collector (AnomalySource): for each metric from
 * {@link anomalyTargets} it streams every series of that name through the
 * calibrated anomaly detector (analyze/streaming.ts) and publishes
 * `anomaly_level{series="<seriesKey>"}` = −log10 p / 10 of the latest sample. The
 * rule then is a threshold rule `anomaly_level >= thresholdFor(sensitivity)` on
 * those series (medium: the threshold chosen on the Numenta Anomaly Benchmark).
 */
export interface AnomalyRuleConfig extends Omit<CommonRuleConfig, 'id' | 'level'> {
  kind: 'anomaly';
  /** Default `anomaly-<metric>`. */
  id?: string;
  metric: string;
  /** "low" (fewer, surer alerts: p ≤ 10⁻⁴), "medium" (default), "high" (p ≤ 10⁻²), or a level in (0, 1]. */
  sensitivity?: Sensitivity | number;
  /** Default `warning`. */
  level?: AlertLevel;
}

export type AlertRuleConfig = ThresholdRuleConfig | TargetDownRuleConfig | ForecastRuleConfig | AnomalyRuleConfig;

/** Name of the series the collector publishes for anomaly rules (see {@link AnomalyRuleConfig}). */
export const ANOMALY_METRIC = 'anomaly_level';

/** Name of the series the analyzer publishes for forecast rules (see {@link ForecastRuleConfig}). */
export const FORECAST_METRIC = 'forecast_seconds_to_limit';

/** A validated rule, ready for the engine: matchers and templates compiled once. */
export interface CompiledRule {
  readonly id: string;
  readonly kind: 'threshold' | 'targetDown' | 'forecast' | 'anomaly';
  /** The series name the engine reads (`forecast_seconds_to_limit` for forecast rules). */
  readonly metric: string;
  /** The metric the user thinks about (the forecast's watched metric); `{{metric}}`. */
  readonly displayMetric: string;
  readonly matchers: readonly LabelMatcher[];
  /** True when a label set satisfies every matcher (precompiled). */
  readonly matches: (labels: Labels) => boolean;
  readonly op: ComparisonOp;
  readonly threshold: number;
  readonly clearThreshold?: number;
  readonly level: AlertLevel;
  readonly forMs: number;
  readonly keepFiringForMs: number;
  readonly title: CompiledTemplate;
  readonly message: CompiledTemplate;
  /** Unit of the value the engine compares. */
  readonly unit: UnitSpec;
  /** Set when the unit came from the rule's `unit` field. */
  readonly unitOverride?: string;
  readonly forecast?: { readonly metric: string; readonly limit: number; readonly withinMs: number; readonly limitUnit: UnitSpec };
  readonly anomaly?: { readonly metric: string; readonly sensitivity: Sensitivity | number };
  /** Validated actions to take when the alert starts firing (bad ones left out with a sentence). */
  readonly actions?: readonly ActionSpec[];
}

/** The setting users write rules in; named in every problem sentence. */
export const RULES_SETTING = 'chatroomMonitor.alerts.rules';

const COMMON_FIELDS = ['kind', 'id', 'enabled', 'level', 'for', 'keepFiringFor', 'title', 'message', 'actions'];
const FIELDS: Readonly<Record<CompiledRule['kind'], readonly string[]>> = {
  threshold: [...COMMON_FIELDS, 'metric', 'labels', 'op', 'threshold', 'clearThreshold', 'unit'],
  targetDown: COMMON_FIELDS,
  forecast: [...COMMON_FIELDS, 'metric', 'limit', 'within', 'unit'],
  anomaly: [...COMMON_FIELDS, 'metric', 'sensitivity'],
};

/** What people coming from the seed or other tools write instead of our operators. */
const OP_HINTS: Readonly<Record<string, ComparisonOp>> = {
  gt: '>', gte: '>=', ge: '>=', lt: '<', lte: '<=', le: '<=', eq: '==', ne: '!=', neq: '!=',
  '=': '==', '=>': '>=', '=<': '<=', '<>': '!=', '===': '==', '!==': '!=',
};

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Validates rules as read from settings (any JSON). Each bad rule yields one sentence
 * per problem naming the rule (id, else its position) and the field; it is left out
 * and the good rules still compile. Disabled rules are left out without complaint.
 * Never throws.
 *
 * `origins[i]`, when given, says where entry i came from (e.g. after merging with the
 * defaults); otherwise entry i is "rule i+1 of chatroomMonitor.alerts.rules".
 */
export function validateRules(raw: unknown, origins?: readonly string[]): { rules: CompiledRule[]; problems: string[] } {
  const rules: CompiledRule[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw === null) {
    return { rules, problems };
  }
  if (!Array.isArray(raw)) {
    problems.push(l10n.t('{0} must be a list of rules ([{ "id": …, "metric": …, "op": ">", "threshold": … }]), not {1}.', RULES_SETTING, describeType(raw)));
    return { rules, problems };
  }
  const seen = new Set<string>();
  raw.forEach((entry: unknown, i) => {
    const origin = origins?.[i] ?? ruleOrigin(i);
    try {
      const r = compileRule(entry, origin, seen, problems);
      if (r) {
        rules.push(r);
      }
    } catch (err) {
      // Defensive only: compileRule is written not to throw, but a bad rule must never
      // take the others down with it.
      problems.push(l10n.t('Alert rule ({0}) could not be read ({1}); check its fields against the documentation.', origin, String(err)));
    }
  });
  return { rules, problems };
}

function compileRule(entry: unknown, origin: string, seen: Set<string>, problems: string[]): CompiledRule | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    problems.push(
      l10n.t('Alert rule ({0}) must be an object such as { "id": "cpu-high", "metric": "process_cpu_usage_percent", "op": ">", "threshold": 80, "level": "warning" }, not {1}.', origin, describeType(entry)),
    );
    return undefined;
  }
  const o = entry as Record<string, unknown>;
  const kindRaw = o.kind ?? 'threshold';
  const startCount = problems.length;

  let kind: CompiledRule['kind'];
  if (kindRaw === 'threshold' || kindRaw === 'targetDown' || kindRaw === 'forecast' || kindRaw === 'anomaly') {
    kind = kindRaw;
  } else {
    problems.push(l10n.t('{0}: "kind" is {1}; use "threshold" (the default), "targetDown", "forecast" or "anomaly".', name(o, origin), describeType(kindRaw)));
    return undefined;
  }

  let id: string;
  if (o.id === undefined && kind !== 'threshold') {
    id = kind === 'targetDown' ? 'target-down' : `${kind}-${typeof o.metric === 'string' ? o.metric : 'metric'}`;
  } else if (typeof o.id === 'string' && o.id.trim() !== '') {
    id = o.id.trim();
  } else {
    problems.push(l10n.t('Alert rule ({0}) needs an "id": a short unique name such as "cpu-high" (got {1}).', origin, describeType(o.id)));
    return undefined;
  }
  const who = l10n.t('Alert rule "{0}" ({1})', id, origin);
  if (seen.has(id)) {
    problems.push(l10n.t('{0} repeats the id "{1}" of an earlier rule; give each rule its own id (a rule with a default\'s id changes that default).', who, id));
    return undefined;
  }
  seen.add(id);

  if (o.enabled !== undefined && typeof o.enabled !== 'boolean') {
    problems.push(l10n.t('{0}: "enabled" must be true or false, not {1}.', who, describeType(o.enabled)));
  } else if (o.enabled === false) {
    return undefined;
  }

  const allowed = FIELDS[kind];
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) {
      const hint = closest(key, allowed);
      problems.push(
        hint
          ? l10n.t('{0} has an unknown field "{1}" — did you mean "{2}"?', who, key, hint)
          : l10n.t('{0} has an unknown field "{1}"; a {2} rule takes {3}.', who, key, kind, allowed.map((f) => `"${f}"`).join(', ')),
      );
    }
  }

  const level = readLevel(o.level, kind === 'targetDown' ? 'error' : kind === 'forecast' || kind === 'anomaly' ? 'warning' : undefined, who, problems);
  const forMs = readDuration(o.for, 'for', 0, who, problems);
  const keepFiringForMs = readDuration(o.keepFiringFor, 'keepFiringFor', 0, who, problems);

  let metric: string = Metric.targetUp;
  let displayMetric: string = Metric.targetUp;
  let op: ComparisonOp = '==';
  let threshold = 0;
  let clearThreshold: number | undefined;
  let matchers: LabelMatcher[] = [];
  let forecast: CompiledRule['forecast'];
  let anomaly: CompiledRule['anomaly'];
  let unitOverride: string | undefined;
  let defaultTitle = l10n.t('Chat server is not running');
  let defaultMessage = l10n.t('The chat server you are watching is not running. Start it, or check chatroomMonitor.target.');

  if (kind !== 'targetDown') {
    metric = readMetric(o.metric, who, problems);
    displayMetric = metric;
    if (o.unit !== undefined) {
      if (typeof o.unit === 'string') {
        unitOverride = o.unit;
      } else {
        problems.push(l10n.t('{0}: "unit" must be text such as "percent", "bytes", "seconds", "per_second" or your own word, not {1}.', who, describeType(o.unit)));
      }
    }
  }

  if (kind === 'threshold') {
    op = readOp(o.op, who, problems);
    threshold = readNumber(o.threshold, 'threshold', true, who, problems) ?? 0;
    matchers = readLabels(o.labels, who, problems);
    clearThreshold = readNumber(o.clearThreshold, 'clearThreshold', false, who, problems);
    if (clearThreshold !== undefined && problems.length === startCount) {
      const ok = op === '>' || op === '>=' ? clearThreshold <= threshold : op === '<' || op === '<=' ? clearThreshold >= threshold : false;
      if (!ok) {
        problems.push(
          op === '==' || op === '!='
            ? l10n.t('{0}: "clearThreshold" only works with >, >=, < or <=, not with {1}; remove it.', who, op)
            : op === '>' || op === '>='
              ? l10n.t('{0}: "clearThreshold" {1} must be on the other side of the threshold {2} (at most {2}), so the alert clears only once the value is back to normal.', who, clearThreshold, threshold)
              : l10n.t('{0}: "clearThreshold" {1} must be on the other side of the threshold {2} (at least {2}), so the alert clears only once the value is back to normal.', who, clearThreshold, threshold),
        );
      }
    }
    defaultTitle = `{{metric}} ${op} {{threshold}}`;
    defaultMessage =
      forMs > 0 ? l10n.t('{{metric}} has been {0} {{threshold}} for {{for}}; it is now {{value}}.', op) : l10n.t('{{metric}} is {{value}} ({0} {{threshold}}).', op);
  } else if (kind === 'forecast') {
    const limit = readNumber(o.limit, 'limit', true, who, problems) ?? 0;
    const withinMs = readDuration(o.within, 'within', 15 * 60_000, who, problems);
    if (withinMs <= 0 && problems.length === startCount) {
      problems.push(l10n.t('{0}: "within" must be longer than 0, e.g. "15m".', who));
    }
    forecast = {
      metric,
      limit,
      withinMs,
      limitUnit: unitOverride !== undefined ? unitFromWord(unitOverride) : inferUnitSpec(metric),
    };
    metric = FORECAST_METRIC;
    matchers = [
      { label: 'series', op: '=~', value: `${escapeRegex(displayMetric)}(\\{.*\\})?` },
      { label: 'limit', op: '=', value: String(limit) },
    ];
    op = '<=';
    threshold = withinMs / 1000;
    defaultTitle = l10n.t('{{metric}} heading for {{limit}}');
    defaultMessage = l10n.t('At its current trend {{labels.series}} reaches {{limit}} in about {{value}}.');
  } else if (kind === 'anomaly') {
    const sensitivity = readSensitivity(o.sensitivity, who, problems);
    anomaly = { metric, sensitivity };
    metric = ANOMALY_METRIC;
    matchers = [{ label: 'series', op: '=~', value: `${escapeRegex(displayMetric)}(\\{.*\\})?` }];
    op = '>=';
    threshold = thresholdFor(sensitivity);
    defaultTitle = l10n.t('{{metric}} is unusual');
    defaultMessage = l10n.t('{{labels.series}} is outside its usual range (anomaly level {{value}}, alert at {{threshold}}).');
  }

  const title = readTemplate(o.title, 'title', defaultTitle, who, problems);
  const message = readTemplate(o.message, 'message', defaultMessage, who, problems);

  if (problems.length > startCount || !title || !message) {
    return undefined;
  }
  // A bad action is left out with its sentence; the rule itself still alerts.
  const actions = validateActions(o.actions, who, problems);
  const compiled = matchers.map(compileMatcher);
  const unit = kind === 'forecast' ? inferUnitSpec(FORECAST_METRIC) : kind === 'anomaly' ? inferUnitSpec(ANOMALY_METRIC) : unitOverride !== undefined ? unitFromWord(unitOverride) : inferUnitSpec(metric);
  return {
    id,
    kind,
    metric,
    displayMetric,
    matchers,
    matches: compiled.length === 0 ? () => true : (labels) => compiled.every((m) => m(labels)),
    op,
    threshold,
    ...(clearThreshold !== undefined ? { clearThreshold } : {}),
    level,
    forMs,
    keepFiringForMs,
    title,
    message,
    unit,
    ...(unitOverride !== undefined && kind !== 'forecast' && kind !== 'anomaly' ? { unitOverride } : {}),
    ...(forecast ? { forecast } : {}),
    ...(anomaly ? { anomaly } : {}),
    ...(actions.length > 0 ? { actions } : {}),
  };
}

/** The `{ metric, limit }` pairs the analyzer must publish forecasts for (see ForecastRuleConfig). */
export function forecastTargets(rules: readonly CompiledRule[]): { metric: string; limit: number }[] {
  const out = new Map<string, { metric: string; limit: number }>();
  for (const r of rules) {
    if (r.forecast) {
      out.set(`${r.forecast.metric}\u0000${r.forecast.limit}`, { metric: r.forecast.metric, limit: r.forecast.limit });
    }
  }
  return [...out.values()];
}

/** The metrics the collector must publish anomaly levels for (see AnomalyRuleConfig). */
export function anomalyTargets(rules: readonly CompiledRule[]): string[] {
  return [...new Set(rules.flatMap((r) => (r.anomaly ? [r.anomaly.metric] : [])))];
}

function readSensitivity(v: unknown, who: string, problems: string[]): Sensitivity | number {
  if (v === undefined) return 'medium';
  if (v === 'low' || v === 'medium' || v === 'high') return v;
  if (typeof v === 'number' && v > 0 && v <= 1) return v;
  const lower = typeof v === 'string' ? v.trim().toLowerCase() : '';
  const hint = lower === 'low' || lower === 'medium' || lower === 'high' ? didYouMean(lower) : '';
  problems.push(l10n.t('{0}: "sensitivity" is {1}; use "low" (fewer, surer alerts), "medium" (the default) or "high" (more alerts), or a level between 0 and 1{2}.', who, describeType(v), hint));
  return 'medium';
}

/** True when `value op threshold`; NaN never satisfies a rule. */
export function compare(op: ComparisonOp, value: number, threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold && !Number.isNaN(value);
  }
}

/** "Alert rule "cpu-high" (rule 2 of …)", or "Alert rule (rule 2 of …)" before its id is known. */
function name(o: Record<string, unknown>, origin: string): string {
  return typeof o.id === 'string' && o.id.trim() !== '' ? l10n.t('Alert rule "{0}" ({1})', o.id.trim(), origin) : l10n.t('Alert rule ({0})', origin);
}

function readLevel(v: unknown, fallback: AlertLevel | undefined, who: string, problems: string[]): AlertLevel {
  if (v === undefined && fallback) {
    return fallback;
  }
  if (typeof v === 'string' && (ALERT_LEVELS as readonly string[]).includes(v)) {
    return v as AlertLevel;
  }
  const lower = typeof v === 'string' ? v.toLowerCase() : '';
  const hint = (ALERT_LEVELS as readonly string[]).includes(lower) ? didYouMean(lower) : lower === 'warn' ? didYouMean('warning') : '';
  problems.push(
    v === undefined
      ? l10n.t('{0} needs a "level": "info", "warning", "error" or "critical".', who)
      : l10n.t('{0}: "level" is {1}, not one of "info", "warning", "error", "critical"{2}.', who, describeType(v), hint),
  );
  return 'warning';
}

function readDuration(v: unknown, field: string, fallback: number, who: string, problems: string[]): number {
  if (v === undefined) {
    return fallback;
  }
  const r = parseDuration(v);
  if ('error' in r) {
    problems.push(l10n.t('{0}: "{1}" {2}.', who, field, r.error));
    return fallback;
  }
  return r.ms;
}

function readMetric(v: unknown, who: string, problems: string[]): string {
  if (typeof v === 'string' && METRIC_NAME.test(v)) {
    return v;
  }
  problems.push(
    v === undefined
      ? l10n.t('{0} needs a "metric": the series name to watch, such as "process_cpu_usage_percent".', who)
      : l10n.t('{0}: "metric" is {1}, not a metric name (letters, digits, _ and :, such as "process_cpu_usage_percent").', who, describeType(v)),
  );
  return '';
}

function readOp(v: unknown, who: string, problems: string[]): ComparisonOp {
  if (typeof v === 'string' && (COMPARISON_OPS as readonly string[]).includes(v)) {
    return v as ComparisonOp;
  }
  const hint = typeof v === 'string' ? OP_HINTS[v.trim().toLowerCase()] : undefined;
  problems.push(
    v === undefined
      ? l10n.t('{0} needs an "op": one of >, >=, <, <=, ==, !=.', who)
      : hint
        ? l10n.t('{0}: "op" is {1}, which is not one of >, >=, <, <=, ==, !={2}', who, describeType(v), didYouMean(hint))
        : l10n.t('{0}: "op" is {1}, which is not one of >, >=, <, <=, ==, !=.', who, describeType(v)),
  );
  return '>';
}

function readNumber(v: unknown, field: string, required: boolean, who: string, problems: string[]): number | undefined {
  if (v === undefined && !required) {
    return undefined;
  }
  if (typeof v === 'number' && Number.isFinite(v)) {
    return v;
  }
  if (v === undefined) {
    problems.push(l10n.t('{0} needs a "{1}": a number such as 80.', who, field));
  } else if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) {
    problems.push(l10n.t('{0}: "{1}" is the text "{2}"; write it as a number, without quotes: {3}.', who, field, v, Number(v)));
  } else {
    problems.push(l10n.t('{0}: "{1}" must be a number such as 80, not {2}.', who, field, describeType(v)));
  }
  return undefined;
}

function readLabels(v: unknown, who: string, problems: string[]): LabelMatcher[] {
  if (v === undefined) {
    return [];
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    problems.push(l10n.t('{0}: "labels" must be an object such as { "room": "general" }, not {1}.', who, describeType(v)));
    return [];
  }
  const out: LabelMatcher[] = [];
  for (const [label, raw] of Object.entries(v as Record<string, unknown>)) {
    if (!LABEL_NAME.test(label)) {
      problems.push(l10n.t('{0}: label name "{1}" is not valid; use letters, digits and _, not starting with a digit.', who, label));
      continue;
    }
    if (typeof raw !== 'string') {
      problems.push(l10n.t('{0}: label "{1}" must be matched by text such as "general" or "=~gen.*", not {2}.', who, label, describeType(raw)));
      continue;
    }
    const m = parseLabelMatcher(label, raw);
    if (m.op === '=~' || m.op === '!~') {
      const err = regexProblem(m.value);
      if (err) {
        problems.push(l10n.t('{0}: label "{1}" has an invalid regex "{2}" ({3}).', who, label, m.value, err));
        continue;
      }
    }
    out.push(m);
  }
  return out;
}

/** `"x"` → `= x`; `"=~re"`, `"!~re"`, `"!=x"` pick that operator; `"=x"` forces `= x`. */
export function parseLabelMatcher(label: string, raw: string): LabelMatcher {
  if (raw.startsWith('=~')) {
    return { label, op: '=~', value: raw.slice(2) };
  }
  if (raw.startsWith('!~')) {
    return { label, op: '!~', value: raw.slice(2) };
  }
  if (raw.startsWith('!=')) {
    return { label, op: '!=', value: raw.slice(2) };
  }
  if (raw.startsWith('=')) {
    return { label, op: '=', value: raw.slice(1) };
  }
  return { label, op: '=', value: raw };
}

/** Why a regex cannot be used, or undefined: it must compile here and be RE2 (Prometheus) syntax. */
function regexProblem(source: string): string | undefined {
  try {
    new RegExp(`^(?:${source})$`);
  } catch (err) {
    return err instanceof Error ? err.message.replace(/^Invalid regular expression: /, '') : String(err);
  }
  if (/\(\?<?[=!]/.test(source)) {
    return l10n.t('lookahead and lookbehind are not supported by Prometheus; rewrite it without (?= (?! (?<= (?<!');
  }
  if (/\\[1-9]|\\k</.test(source)) {
    return l10n.t('backreferences are not supported by Prometheus');
  }
  return undefined;
}

function readTemplate(v: unknown, field: string, fallback: string, who: string, problems: string[]): CompiledTemplate | undefined {
  if (v !== undefined && typeof v !== 'string') {
    problems.push(l10n.t('{0}: "{1}" must be text, not {2}.', who, field, describeType(v)));
    return undefined;
  }
  const r = compileTemplate(v ?? fallback);
  if ('error' in r) {
    problems.push(l10n.t('{0}: "{1}" {2}.', who, field, r.error));
    return undefined;
  }
  return r.template;
}

/** "rule 2 of chatroomMonitor.alerts.rules": where a user's rule is, for its sentences. */
export function ruleOrigin(index: number): string {
  return l10n.t('rule {0} of {1}', index + 1, RULES_SETTING);
}

/** The typo hint at the end of a sentence: ` — did you mean "warning"?`. */
function didYouMean(word: string): string {
  return l10n.t(' — did you mean "{0}"?', word);
}

/** The closest allowed field within edit distance 2 (or equal ignoring case), for typo hints. */
function closest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  // Short names are too close to each other ("op", "id") for two edits to mean a typo.
  let bestD = key.length <= 4 ? 2 : 3;
  for (const a of allowed) {
    const d = a.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key.toLowerCase(), a.toLowerCase());
    if (d < bestD) {
      best = a;
      bestD = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) {
    return 3;
  }
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Escapes a literal for use inside a regex (RE2 and JavaScript agree on these). */
export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
