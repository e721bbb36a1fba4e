import { formatDuration } from '../format';
import { formatPromDuration } from './duration';
import { CompiledRule } from './rule';
import { TemplateVariable } from './template';
import { formatWithUnit } from './units';

/** Every template variable that depends on the rule alone (all but `value`), formatted for people. */
export type RuleTexts = Readonly<Record<Exclude<TemplateVariable, 'value'>, string>>;

/** The rule's own template variables; the engine caches them, the Prometheus export reuses them. */
export function ruleTexts(rule: CompiledRule): RuleTexts {
  return {
    threshold: formatWithUnit(rule.threshold, rule.unit),
    unit: rule.unit.symbol,
    metric: rule.displayMetric,
    for: formatPromDuration(rule.forMs),
    level: rule.level,
    op: rule.op,
    id: rule.id,
    limit: rule.forecast ? formatWithUnit(rule.forecast.limit, rule.forecast.limitUnit) : '',
    within: rule.forecast ? formatDuration(rule.forecast.withinMs) : '',
  };
}
