import { Clock } from '../clock';
import { Emitter, Event, Disposable } from '../events';
import { SeriesInfo, SeriesStore } from '../store/seriesStore';
import { Alert, AlertHistoryEntry, AlertTransition, TransitionReason } from './alert';
import { AlertState, levelRank } from '../../shared/vocabulary';
import { compare, CompiledRule } from './rule';
import { RuleTexts, ruleTexts } from './ruleTexts';
import { renderTemplate, TemplateVariable } from './template';
import { formatValue, inferUnitSpec, UnitSpec } from '../units';
import { shared } from '../i18n/sharedL10n';

export interface AlertEngineOptions {
  /** Finished alerts kept for the report and dashboard (oldest dropped first). Default 500. */
  readonly historyLimit?: number;
  /**
   * Store ticks in a row without fresh data after which a firing alert resolves with
   * reason `noData`. Default 3: one missed scrape must not resolve (and later re-fire)
   * an alert, but a series that is gone for good must not keep it firing forever.
   */
  readonly noDataTicks?: number;
}

/** Alert levels at or above this inhibit lower-level alerts on the same series. */
const INHIBITING_RANK = levelRank('critical');

interface Tracked {
  readonly id: string;
  rule: CompiledRule;
  readonly info: SeriesInfo;
  state: 'pending' | 'firing';
  value: number;
  peakValue: number;
  pendingSinceMs: number;
  firingSinceMs?: number;
  /** Sample time the condition stopped holding while firing (keepFiringFor). */
  clearedSinceMs?: number;
  staleTicks: number;
  lastSeenEval: number;
  inhibited: boolean;
  /** The user was told it fires (so its resolution is worth telling too). */
  notified: boolean;
  wasSnoozed: boolean;
}

interface Change {
  readonly t: Tracked;
  readonly from: AlertState;
  readonly to: AlertState;
  readonly reason: TransitionReason;
  readonly timeMs: number;
}

interface Finished {
  readonly rule: CompiledRule;
  readonly info: SeriesInfo;
  /** Last value, for the rendered message. */
  readonly value: number;
  readonly peakValue: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly reason: TransitionReason;
}

interface RenderedText {
  readonly valueText: string;
  readonly thresholdText: string;
  readonly title: string;
  readonly message: string;
}

/** The series a rule selects, cached until the store gains series. */
interface Selection {
  store: SeriesStore | undefined;
  seriesCount: number;
  dirty: boolean;
  items: { readonly info: SeriesInfo; readonly alertId: string }[];
}

/**
 * Evaluates compiled rules against the series store once per tick and keeps one alert
 * per (rule, series): `for` on sample time, hysteresis, keepFiringFor, staleness,
 * inhibition by critical alerts on the same series, snooze, and a bounded history.
 *
 * Staleness: a stale series (it missed the latest tick) neither fires nor resolves a
 * firing alert; a pending alert is dropped (the condition was not seen to hold); a
 * firing alert resolves with reason `noData` after `noDataTicks` store ticks without data.
 *
 * The engine only decides *whether* a change is worth telling (`notify`); how many
 * notifications to show is the NotificationThrottle's business.
 */
export class AlertEngine implements Disposable {
  private rules: readonly CompiledRule[] = [];
  private ruleIds = new Set<string>();
  private selections: Selection[] = [];
  private readonly alerts = new Map<string, Tracked>();
  /** Raw finished alerts; rendered only when history() is read (rarely: report, dashboard). */
  private readonly finished: Finished[] = [];
  private readonly snoozes = new Map<string, number>();
  private snoozeAllUntilMs = 0;
  private evalCount = 0;
  private lastStoreTimeMs = Number.NaN;
  private readonly historyLimit: number;
  private readonly noDataTicks: number;
  private readonly transitionEmitter = new Emitter<AlertTransition>();
  private readonly textCache = new WeakMap<CompiledRule, RuleTexts>();
  /**
   * What active() and history() returned, until the state changes: the status bar, the
   * dashboard's header, alerts and markers each read them every tick, and each read
   * rendered every alert's title and message again (issue 20). A list is kept while no
   * evaluation, rule change or snooze has come since, the display language is the same,
   * and (active) no shown snooze has ended.
   */
  private activeKept: { readonly alerts: readonly Alert[]; readonly language: number; readonly untilMs: number } | undefined;
  private historyKept: { readonly entries: readonly AlertHistoryEntry[]; readonly language: number } | undefined;

  /** Every transition, notified or not, in evaluation order. */
  readonly onTransition: Event<AlertTransition> = this.transitionEmitter.event;

  constructor(
    rules: readonly CompiledRule[],
    private readonly clock: Clock,
    options: AlertEngineOptions = {},
  ) {
    this.historyLimit = Math.max(1, Math.floor(options.historyLimit ?? 500));
    this.noDataTicks = Math.max(1, Math.floor(options.noDataTicks ?? 3));
    this.setRules(rules);
  }

  /**
   * Replaces the rules (settings changed). Alerts of rules that keep their id keep their
   * state; alerts of removed rules, or whose series the changed rule no longer selects,
   * end quietly (`ruleRemoved`, never notified). Returns those transitions.
   */
  setRules(rules: readonly CompiledRule[]): AlertTransition[] {
    this.rules = rules;
    const byId = new Map(rules.map((r) => [r.id, r]));
    this.ruleIds = new Set(byId.keys());
    this.selections = rules.map(() => ({ store: undefined, seriesCount: -1, dirty: true, items: [] }));
    const changes: Change[] = [];
    const nowMs = this.clock.now();
    for (const t of [...this.alerts.values()]) {
      const rule = byId.get(t.rule.id);
      if (rule && rule.metric === t.info.name && rule.matches(t.info.labels)) {
        t.rule = rule;
      } else {
        this.end(t, 'ruleRemoved', nowMs, changes);
      }
    }
    return this.publish(changes, nowMs);
  }

  /**
   * Evaluates every rule against the latest samples. `nowMs` (default: the clock) is
   * the evaluation time; `for` and keepFiringFor are measured on sample time.
   * Returns this evaluation's transitions (also fired on `onTransition`).
   */
  evaluate(store: SeriesStore, nowMs: number = this.clock.now()): AlertTransition[] {
    const evalNo = ++this.evalCount;
    const newTick = store.latestTimeMs !== this.lastStoreTimeMs;
    this.lastStoreTimeMs = store.latestTimeMs;
    const changes: Change[] = [];

    for (let r = 0; r < this.rules.length; r++) {
      const rule = this.rules[r]!;
      const sel = this.selection(r, rule, store);
      for (const item of sel.items) {
        const p = store.latest(item.info.key);
        if (!p) {
          sel.dirty = true; // the store was cleared: reselect next time
          continue;
        }
        const t = this.alerts.get(item.alertId);
        if (p.stale || Number.isNaN(p.value)) {
          if (t) {
            t.lastSeenEval = evalNo;
            this.noData(t, newTick, nowMs, changes);
          }
          continue;
        }
        if (t) {
          t.lastSeenEval = evalNo;
          t.staleTicks = 0;
          this.step(t, p.value, p.timeMs, changes);
        } else if (compare(rule.op, p.value, rule.threshold)) {
          this.start(rule, item.info, item.alertId, p.value, p.timeMs, evalNo, changes);
        }
      }
    }
    // Alerts whose series left the selection (store cleared) have no data either.
    for (const t of this.alerts.values()) {
      if (t.lastSeenEval !== evalNo) {
        this.noData(t, newTick, nowMs, changes);
      }
    }
    return this.publish(changes, nowMs);
  }

  /**
   * Pending and firing alerts, most severe first, then oldest first. The same (frozen)
   * list until an evaluation, a rule change or a snooze, or until a snooze it shows ends.
   */
  active(): readonly Alert[] {
    const now = this.clock.now();
    const language = shared().version;
    const kept = this.activeKept;
    if (kept !== undefined && kept.language === language && now < kept.untilMs) {
      return kept.alerts;
    }
    const alerts = [...this.alerts.values()]
      .sort((a, b) => levelRank(b.rule.level) - levelRank(a.rule.level) || a.pendingSinceMs - b.pendingSinceMs)
      .map((t) => this.snapshot(t, t.state, now));
    // A snooze shown ends at its time: the list says so from then on.
    let untilMs = Number.POSITIVE_INFINITY;
    for (const a of alerts) if (a.snoozedUntilMs !== undefined && a.snoozedUntilMs < untilMs) untilMs = a.snoozedUntilMs;
    this.activeKept = { alerts: Object.freeze(alerts), language, untilMs };
    return alerts;
  }

  /** Finished alerts (those that fired), oldest first, at most `historyLimit`. The same (frozen) list until one more finishes. */
  history(): readonly AlertHistoryEntry[] {
    const language = shared().version;
    if (this.historyKept !== undefined && this.historyKept.language === language) {
      return this.historyKept.entries;
    }
    const entries = this.historyEntries();
    this.historyKept = { entries: Object.freeze(entries), language };
    return entries;
  }

  private historyEntries(): AlertHistoryEntry[] {
    return this.finished.slice(-this.historyLimit).map((f) => {
      const text = this.render(f.rule, f.value, f.info);
      return {
        id: `${f.rule.id}/${f.info.key}`,
        ruleId: f.rule.id,
        level: f.rule.level,
        title: text.title,
        message: text.message,
        metric: f.rule.displayMetric,
        labels: f.info.labels,
        seriesKey: f.info.key,
        startMs: f.startMs,
        endMs: f.endMs,
        durationMs: Math.max(0, f.endMs - f.startMs),
        peakValue: f.peakValue,
        peakText: formatValue(f.peakValue, unitOf(f.rule, f.info), { precise: true }),
        threshold: f.rule.threshold,
        reason: f.reason,
      };
    });
  }

  /**
   * Snoozes one alert (its id), every alert of a rule (the rule id, including alerts
   * that start later), or `'all'`, for `durationMs` of clock time. Snoozed alerts still
   * change state and are listed; their transitions carry `notify: false`. When the
   * snooze ends and the alert still fires, it is notified again. Returns false (and
   * does nothing) for an unknown target or a duration that is not a positive number.
   */
  snooze(target: string, durationMs: number): boolean {
    if (!Number.isFinite(durationMs) || durationMs <= 0) {
      return false;
    }
    const until = this.clock.now() + durationMs;
    this.activeKept = undefined;
    if (target === 'all') {
      this.snoozeAllUntilMs = Math.max(this.snoozeAllUntilMs, until);
      return true;
    }
    if (!this.alerts.has(target) && !this.ruleIds.has(target)) {
      return false;
    }
    this.snoozes.set(target, Math.max(this.snoozes.get(target) ?? 0, until));
    return true;
  }

  /** Ends the snooze of one target, or every snooze when called without one. */
  clearSnooze(target?: string): void {
    this.activeKept = undefined;
    if (target === undefined) {
      this.snoozes.clear();
      this.snoozeAllUntilMs = 0;
    } else if (target === 'all') {
      this.snoozeAllUntilMs = 0;
    } else {
      this.snoozes.delete(target);
    }
  }

  dispose(): void {
    this.transitionEmitter.dispose();
  }

  private selection(r: number, rule: CompiledRule, store: SeriesStore): Selection {
    const sel = this.selections[r]!;
    // Re-selecting costs a regex run per series; the store only gains series between
    // ticks, so its count is a cheap, sufficient change signal (a clear is caught by
    // latest() coming back empty, which marks the selection dirty).
    if (sel.dirty || sel.store !== store || sel.seriesCount !== store.seriesCount) {
      sel.store = store;
      sel.seriesCount = store.seriesCount;
      sel.dirty = false;
      sel.items = store
        .select(rule.metric)
        .filter((info) => rule.matches(info.labels))
        .map((info) => ({ info, alertId: `${rule.id}/${info.key}` }));
    }
    return sel;
  }

  private start(rule: CompiledRule, info: SeriesInfo, id: string, value: number, timeMs: number, evalNo: number, changes: Change[]): void {
    const t: Tracked = {
      id,
      rule,
      info,
      state: 'pending',
      value,
      peakValue: value,
      pendingSinceMs: timeMs,
      staleTicks: 0,
      lastSeenEval: evalNo,
      inhibited: false,
      notified: false,
      wasSnoozed: false,
    };
    this.alerts.set(id, t);
    if (rule.forMs <= 0) {
      t.state = 'firing';
      t.firingSinceMs = timeMs;
      changes.push({ t, from: 'inactive', to: 'firing', reason: 'conditionMet', timeMs });
    } else {
      changes.push({ t, from: 'inactive', to: 'pending', reason: 'conditionMet', timeMs });
    }
  }

  private step(t: Tracked, value: number, timeMs: number, changes: Change[]): void {
    const rule = t.rule;
    if (t.state === 'pending') {
      if (!compare(rule.op, value, rule.threshold)) {
        this.alerts.delete(t.id);
        changes.push({ t, from: 'pending', to: 'inactive', reason: 'conditionLost', timeMs });
        return;
      }
      this.observe(t, value);
      if (timeMs - t.pendingSinceMs >= rule.forMs) {
        t.state = 'firing';
        t.firingSinceMs = timeMs;
        changes.push({ t, from: 'pending', to: 'firing', reason: 'forElapsed', timeMs });
      }
      return;
    }
    // Firing: hysteresis keeps it firing until the value is past clearThreshold.
    this.observe(t, value);
    if (compare(rule.op, value, rule.clearThreshold ?? rule.threshold)) {
      t.clearedSinceMs = undefined;
      return;
    }
    t.clearedSinceMs ??= timeMs;
    if (timeMs - t.clearedSinceMs >= rule.keepFiringForMs) {
      this.end(t, 'cleared', timeMs, changes);
    }
  }

  private noData(t: Tracked, newTick: boolean, nowMs: number, changes: Change[]): void {
    if (t.state === 'pending') {
      this.alerts.delete(t.id);
      changes.push({ t, from: 'pending', to: 'inactive', reason: 'noData', timeMs: nowMs });
      return;
    }
    if (newTick) {
      t.staleTicks++;
    }
    if (t.staleTicks >= this.noDataTicks) {
      this.end(t, 'noData', nowMs, changes);
    }
  }

  private end(t: Tracked, reason: TransitionReason, timeMs: number, changes: Change[]): void {
    this.alerts.delete(t.id);
    if (t.state === 'pending') {
      changes.push({ t, from: 'pending', to: 'inactive', reason, timeMs });
      return;
    }
    changes.push({ t, from: 'firing', to: 'resolved', reason, timeMs });
    this.historyKept = undefined;
    this.finished.push({ rule: t.rule, info: t.info, value: t.value, peakValue: t.peakValue, startMs: t.firingSinceMs ?? t.pendingSinceMs, endMs: timeMs, reason });
    // Trim in batches: an alert storm resolves many alerts per tick, and shifting a
    // 500-entry array for each of them would dominate the evaluation.
    if (this.finished.length >= 2 * this.historyLimit) {
      this.finished.splice(0, this.finished.length - this.historyLimit);
    }
  }

  private observe(t: Tracked, value: number): void {
    t.value = value;
    const op = t.rule.op;
    const worse =
      op === '>' || op === '>='
        ? value > t.peakValue
        : op === '<' || op === '<='
          ? value < t.peakValue
          : Math.abs(value - t.rule.threshold) > Math.abs(t.peakValue - t.rule.threshold);
    if (worse) {
      t.peakValue = value;
    }
  }

  /** Inhibition and snooze, then `notify` for each change, then events. */
  private publish(changes: Change[], nowMs: number): AlertTransition[] {
    const clockNow = this.clock.now();
    this.expireSnoozes(clockNow);
    if (changes.length === 0 && this.alerts.size === 0) {
      // Nothing tracked and nothing changed (most ticks): no inhibition, no reminder, no
      // event, and active() is the same empty list as before.
      return [];
    }
    // An evaluation or a rule change may have moved any alert's value or state.
    this.activeKept = undefined;

    // Highest firing level (critical and up) per series, for inhibition.
    const inhibitors = new Map<string, number>();
    for (const t of this.alerts.values()) {
      const rank = levelRank(t.rule.level);
      if (t.state === 'firing' && rank >= INHIBITING_RANK && rank > (inhibitors.get(t.info.key) ?? -1)) {
        inhibitors.set(t.info.key, rank);
      }
    }
    const isInhibited = (t: Tracked): boolean => (inhibitors.get(t.info.key) ?? -1) > levelRank(t.rule.level);

    const out: AlertTransition[] = [];
    const changed = new Set<Tracked>();
    for (const c of changes) {
      changed.add(c.t);
      c.t.inhibited = isInhibited(c.t);
      const snoozed = this.snoozedUntil(c.t, clockNow) !== undefined;
      let notify = false;
      if (c.to === 'firing') {
        notify = !c.t.inhibited && !snoozed;
        c.t.notified ||= notify;
      } else if (c.to === 'resolved') {
        notify = c.t.notified && !c.t.inhibited && !snoozed && c.reason !== 'ruleRemoved';
      }
      out.push(this.transition(c.t, c.from, c.to, c.reason, notify, c.timeMs, clockNow));
    }

    // Reminders: a firing alert that was muted and no longer is.
    for (const t of this.alerts.values()) {
      const inhibited = isInhibited(t);
      const snoozed = this.snoozedUntil(t, clockNow) !== undefined;
      if (t.state === 'firing' && !changed.has(t) && !inhibited && !snoozed) {
        const reason: TransitionReason | undefined = t.inhibited ? 'uninhibited' : t.wasSnoozed ? 'snoozeEnded' : undefined;
        if (reason) {
          t.notified = true;
          t.inhibited = false;
          out.push(this.transition(t, 'firing', 'firing', reason, true, nowMs, clockNow));
        }
      }
      t.inhibited = inhibited;
      t.wasSnoozed = snoozed;
    }

    for (const tr of out) {
      this.transitionEmitter.fire(tr);
    }
    return out;
  }

  private transition(t: Tracked, from: AlertState, to: AlertState, reason: TransitionReason, notify: boolean, timeMs: number, clockNow: number): AlertTransition {
    return { alert: this.snapshot(t, to, clockNow, to === 'resolved' ? timeMs : undefined), from, to, reason, notify, timeMs };
  }

  private expireSnoozes(now: number): void {
    for (const [k, until] of this.snoozes) {
      if (until <= now) {
        this.snoozes.delete(k);
      }
    }
    if (this.snoozeAllUntilMs <= now) {
      this.snoozeAllUntilMs = 0;
    }
  }

  private snoozedUntil(t: Tracked, now: number): number | undefined {
    const until = Math.max(this.snoozeAllUntilMs, this.snoozes.get(t.id) ?? 0, this.snoozes.get(t.rule.id) ?? 0);
    return until > now ? until : undefined;
  }

  /** A snapshot of a tracked alert: a plain object of one fixed shape (cheap to build and to post to a webview). */
  private snapshot(t: Tracked, state: AlertState, clockNow: number, resolvedAtMs?: number): Alert {
    const rule = t.rule;
    const text = this.render(rule, t.value, t.info);
    return {
      id: t.id,
      ruleId: rule.id,
      level: rule.level,
      state,
      title: text.title,
      message: text.message,
      metric: rule.displayMetric,
      labels: t.info.labels,
      seriesKey: t.info.key,
      value: t.value,
      valueText: text.valueText,
      threshold: rule.threshold,
      thresholdText: text.thresholdText,
      clearThreshold: rule.clearThreshold,
      op: rule.op,
      unit: unitOf(rule, t.info).symbol || undefined,
      pendingSinceMs: t.pendingSinceMs,
      firingSinceMs: t.firingSinceMs,
      resolvedAtMs,
      peakValue: t.peakValue,
      inhibited: t.inhibited,
      snoozedUntilMs: this.snoozedUntil(t, clockNow),
    };
  }

  private render(rule: CompiledRule, value: number, info: SeriesInfo): RenderedText {
    const unit = unitOf(rule, info);
    // The texts of a rule are cached for its own unit; a series whose # UNIT says otherwise is rare.
    const fixed = unit === rule.unit ? this.ruleTexts(rule) : ruleTexts(rule, unit);
    const valueText = formatValue(value, unit, { precise: true });
    const vars: Record<TemplateVariable, string> = { ...fixed, value: valueText };
    return { valueText, thresholdText: fixed.threshold, title: renderTemplate(rule.title, vars, info.labels), message: renderTemplate(rule.message, vars, info.labels) };
  }

  /** The template variables that do not change with the value, formatted once per rule. */
  private ruleTexts(rule: CompiledRule): Readonly<Record<Exclude<TemplateVariable, 'value'>, string>> {
    let texts = this.textCache.get(rule);
    if (!texts) {
      texts = ruleTexts(rule);
      this.textCache.set(rule, texts);
    }
    return texts;
  }
}

/**
 * The unit an alert's values are shown in: the rule's `unit` when it gives one; else the
 * series' own `# UNIT` first and the name second (one inference rule, units.ts) — the
 * rule compiled from the metric's name alone, before any series was seen.
 */
function unitOf(rule: CompiledRule, info: SeriesInfo): UnitSpec {
  if (rule.unitOverride !== undefined || rule.kind === 'forecast' || rule.kind === 'anomaly' || !info.meta?.unit) {
    return rule.unit;
  }
  return inferUnitSpec(info.name, info.meta);
}
