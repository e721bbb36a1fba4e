/**
 * Decides whether an action bound to a rule runs when the rule's alert starts firing:
 * trust first, then the per-rule cooldown and per-hour cap, then the mode — `dryRun`
 * only audits what it would do, `ask` asks the user, `auto` runs (after the first
 * automatic action of each kind has been allowed once for the workspace). Every
 * decision, including "not now", is one audit line with the alert's evidence.
 */
import * as l10n from '@vscode/l10n';
import { Alert, AlertTransition } from '../alerts/alert';
import { ActionKind, ActionSpec } from '../alerts/ruleActions';
import { Clock } from '../clock';
import { AuditEntry, AuditTrigger } from './audit';
import { Operations } from './operations';

export interface ActionRunnerOptions {
  readonly clock: Clock;
  readonly operations: Operations;
  /** The actions of a rule by id (from the compiled rules). */
  readonly actionsOf: (ruleId: string) => readonly ActionSpec[];
  /** False in an untrusted workspace: nothing runs, every action is refused with a sentence. */
  readonly trusted: () => boolean;
  /** "ask" mode: resolves true when the user says yes. */
  readonly ask: (question: string, alert: Alert, spec: ActionSpec) => Promise<boolean>;
  /** "auto" mode: the first automatic action of each kind asks once per workspace (true = allowed). */
  readonly allowAutomatic: (kind: ActionKind, question: string) => Promise<boolean>;
}

/** Why nothing runs in Restricted Mode, in the display language. */
export function untrustedSentence(): string {
  return l10n.t('This workspace is not trusted, so the monitor runs no action and starts no process from its settings; trust the workspace (Manage Workspace Trust) to allow them.');
}

export class ActionRunner {
  /** Run times per `<ruleId>#<index>`, newest last, at most an hour old. */
  private readonly runs = new Map<string, number[]>();
  private readonly inFlight = new Set<string>();

  constructor(private readonly options: ActionRunnerOptions) {}

  /** Feed every alert transition; only a new firing (not a reminder) triggers actions. */
  onTransition(t: AlertTransition): Promise<AuditEntry[]> {
    if (t.to !== 'firing' || t.from === 'firing') {
      return Promise.resolve([]);
    }
    const actions = this.options.actionsOf(t.alert.ruleId);
    return Promise.all(actions.map((spec, i) => this.consider(t.alert, spec, `${t.alert.ruleId}#${i}`)));
  }

  private async consider(alert: Alert, spec: ActionSpec, key: string): Promise<AuditEntry> {
    const ops = this.options.operations;
    const trigger = triggerOf(alert);
    const base = { action: spec.do, trigger, mode: spec.mode, durationMs: 0 } as const;
    const preview = ops.preview(spec);
    const params = { before: preview.before, after: preview.after };
    if (!this.options.trusted()) {
      return ops.record({ ...base, params, result: 'refused', message: untrustedSentence() });
    }
    const nowMs = this.options.clock.now();
    const recent = (this.runs.get(key) ?? []).filter((t) => t > nowMs - 3_600_000);
    this.runs.set(key, recent);
    const last = recent[recent.length - 1];
    if (this.inFlight.has(key)) {
      return ops.record({ ...base, params, result: 'skipped', message: l10n.t('Not run: the same action for rule "{0}" is still running.', alert.ruleId) });
    }
    if (last !== undefined && nowMs - last < spec.cooldownMs) {
      return ops.record({
        ...base,
        params,
        result: 'skipped',
        message: l10n.t('Not run: cooldown — it last ran {0} s ago and the cooldown is {1} s.', Math.round((nowMs - last) / 1000), Math.round(spec.cooldownMs / 1000)),
      });
    }
    if (recent.length >= spec.maxPerHour) {
      return ops.record({ ...base, params, result: 'skipped', message: l10n.t('Not run: it already ran {0} times in the last hour (maxPerHour {1}).', recent.length, spec.maxPerHour) });
    }
    const question = l10n.t('"{0}" is firing: {1}?', alert.title, preview.sentence);
    if (spec.mode === 'dryRun') {
      // A dry run counts toward the cooldown, so the log shows what auto mode would really do.
      recent.push(nowMs);
      return ops.record({ ...base, params, result: 'dryRun', message: l10n.t('Dry run: would {0}.', preview.sentence) });
    }
    const allowed = spec.mode === 'ask' ? await this.options.ask(question, alert, spec) : await this.options.allowAutomatic(spec.do, question);
    if (!allowed) {
      return ops.record({ ...base, params, result: 'declined', message: spec.mode === 'ask' ? l10n.t('The user said no.') : l10n.t('The user did not allow automatic actions of this kind in this workspace.') });
    }
    recent.push(this.options.clock.now());
    this.inFlight.add(key);
    try {
      return await ops.runAction(spec, trigger);
    } finally {
      this.inFlight.delete(key);
    }
  }
}

/** The audit trigger of an alert: its rule, id, title and the values it fired on. */
export function triggerOf(alert: Alert): AuditTrigger {
  return {
    kind: 'rule',
    ruleId: alert.ruleId,
    alertId: alert.id,
    alert: alert.title,
    evidence: {
      metric: alert.metric,
      value: alert.value,
      valueText: alert.valueText,
      threshold: alert.threshold,
      thresholdText: alert.thresholdText,
      op: alert.op,
      ...(alert.firingSinceMs !== undefined ? { firingSince: new Date(alert.firingSinceMs).toISOString() } : {}),
    },
  };
}
