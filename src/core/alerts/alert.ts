import { Labels } from '../model';
import { AlertLevel, AlertState } from '../../shared/vocabulary';
import { ComparisonOp } from './rule';

/*
 * An alert's life (AlertState, src/shared/vocabulary.ts): inactive → pending (condition
 * holds, `for` not yet met) → firing → resolved, after which it is gone (inactive) and in
 * the history. `resolved` appears only in transitions; `active()` lists pending and firing.
 */

/** Why a transition happened; `reminder`-like reasons keep the state (firing → firing). */
export type TransitionReason =
  /** The condition started to hold (inactive → pending, or → firing when `for` is 0). */
  | 'conditionMet'
  /** It held for the rule's `for` (pending → firing). */
  | 'forElapsed'
  /** It stopped holding before `for` elapsed (pending → inactive). */
  | 'conditionLost'
  /** The value crossed back (past clearThreshold, after keepFiringFor) (firing → resolved). */
  | 'cleared'
  /** The series had no fresh data (pending → inactive, or firing → resolved after several ticks). */
  | 'noData'
  /** The rule was removed or disabled (→ resolved or inactive, never notified). */
  | 'ruleRemoved'
  /** Still firing when its snooze ended or was cleared (firing → firing, notified again). */
  | 'snoozeEnded'
  /** Still firing when the critical alert that muted it resolved (firing → firing). */
  | 'uninhibited';

/** One alert: one rule applied to one series (metric + label set). A snapshot; never mutated. */
export interface Alert {
  /** `<ruleId>/<seriesKey>`, stable while the alert lives. */
  readonly id: string;
  readonly ruleId: string;
  readonly level: AlertLevel;
  readonly state: AlertState;
  /** Rendered from the rule's templates with the current value. */
  readonly title: string;
  readonly message: string;
  /** The metric the rule is about (for forecasts: the watched metric, not the forecast series). */
  readonly metric: string;
  readonly labels: Labels;
  readonly seriesKey: string;
  readonly value: number;
  /** `value` formatted with its unit: "83.2%", "148 MB", "512 ms". */
  readonly valueText: string;
  readonly threshold: number;
  readonly thresholdText: string;
  readonly clearThreshold?: number;
  readonly op: ComparisonOp;
  /** The unit symbol (`%`, `B`, `s`, `/s`, …) when the value has one. */
  readonly unit?: string;
  /** Sample time the condition started to hold. */
  readonly pendingSinceMs?: number;
  readonly firingSinceMs?: number;
  readonly resolvedAtMs?: number;
  /** Worst value seen since pending: the highest for > / >=, the lowest for < / <=. */
  readonly peakValue: number;
  /** Muted because a critical alert fires on the same series. */
  readonly inhibited: boolean;
  /** Clock time the snooze ends, while snoozed. */
  readonly snoozedUntilMs?: number;
}

/** A change of an alert's state. `notify` says whether the user should be told. */
export interface AlertTransition {
  readonly alert: Alert;
  readonly from: AlertState;
  readonly to: AlertState;
  readonly reason: TransitionReason;
  /**
   * True only for firing / resolved / reminders the user should hear about: false for
   * pending changes, inhibited or snoozed alerts, and the resolution of an alert whose
   * firing was never shown. Level and rate filters are the NotificationThrottle's job.
   */
  readonly notify: boolean;
  /** Evaluation time (ms). */
  readonly timeMs: number;
}

/** A finished alert, kept in the bounded history for the report and the dashboard. */
export interface AlertHistoryEntry {
  readonly id: string;
  readonly ruleId: string;
  readonly level: AlertLevel;
  readonly title: string;
  readonly message: string;
  readonly metric: string;
  readonly labels: Labels;
  readonly seriesKey: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly durationMs: number;
  readonly peakValue: number;
  readonly peakText: string;
  readonly threshold: number;
  readonly reason: TransitionReason;
}
