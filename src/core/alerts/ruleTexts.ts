import { formatDuration } from '../format';
import { displayLocale } from '../i18n/locale';
import { formatPromDuration } from './duration';
import { CompiledRule } from './rule';
import { TemplateVariable } from './template';
import { formatValue, UnitSpec } from '../units';
import { seriesDisplayName } from '../../shared/seriesNames';

/** Every template variable that depends on the rule alone (all but `value`), formatted for people. */
export type RuleTexts = Readonly<Record<Exclude<TemplateVariable, 'value'>, string>>;

/**
 * The rule's own template variables; the engine caches them, the Prometheus export reuses
 * them. `unit`: the unit of the series the alert is about, when its `# UNIT` says more
 * than the rule's metric name (see the engine's unitOf).
 */
export function ruleTexts(rule: CompiledRule, unit: UnitSpec = rule.unit): RuleTexts {
  return {
    threshold: formatValue(rule.threshold, unit, { precise: true }),
    unit: unit.symbol,
    // A person's name for a built-in series ("Server CPU (% of a core)"); a user's own metric as written.
    metric: seriesDisplayName(rule.displayMetric),
    // As written in the rule ("5s") in English; inside a Chinese sentence, Chinese ("5 秒").
    for: displayLocale() === 'zh-cn' ? formatDuration(rule.forMs) : formatPromDuration(rule.forMs),
    level: rule.level,
    op: rule.op,
    id: rule.id,
    limit: rule.forecast ? formatValue(rule.forecast.limit, rule.forecast.limitUnit, { precise: true }) : '',
    within: rule.forecast ? formatDuration(rule.forecast.withinMs) : '',
  };
}
