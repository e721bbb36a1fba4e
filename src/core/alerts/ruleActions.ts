/**
 * Automated actions bound to an alert rule, as users write them:
 *   "actions": [{ "do": "restart", "mode": "auto", "cooldown": "10m", "maxPerHour": 2 }]
 * validated into {@link ActionSpec}s with one sentence per problem (like the rules).
 */
import * as l10n from '@vscode/l10n';
import { describeType, parseDuration } from './duration';

export const ACTION_KINDS = ['restart', 'scale', 'cpuProfile', 'heapProfile', 'runTask', 'command'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];
export const ACTION_MODES = ['ask', 'auto', 'dryRun'] as const;
export type ActionMode = (typeof ACTION_MODES)[number];

/** Defaults: ask first; at most once per 5 minutes and 3 times an hour per rule and action. */
export const ACTION_DEFAULTS = { mode: 'ask' as ActionMode, cooldownMs: 5 * 60_000, maxPerHour: 3, profileMs: 10_000 };

export interface ActionSpec {
  readonly do: ActionKind;
  readonly mode: ActionMode;
  /** No second run of this action (for this rule) sooner than this after the last. */
  readonly cooldownMs: number;
  /** At most this many runs in any hour. */
  readonly maxPerHour: number;
  /** scale: the worker count to set (WEB_CONCURRENCY). */
  readonly workers?: number;
  /** runTask: the VS Code task's name. */
  readonly task?: string;
  /** command: a command line run in the workspace folder (`docker compose up -d --scale chat=2`). */
  readonly command?: string;
  /** cpuProfile / heapProfile: how long to record (heapProfile: undefined = the profiler's 20 s). */
  readonly durationMs?: number;
}

const FIELDS: Readonly<Record<ActionKind, readonly string[]>> = {
  restart: [],
  scale: ['workers'],
  cpuProfile: ['duration'],
  heapProfile: ['duration'],
  runTask: ['task'],
  command: ['command'],
};
const COMMON = ['do', 'mode', 'cooldown', 'maxPerHour'];

/**
 * Validates a rule's `actions` field. Bad actions are left out with a sentence naming
 * the rule (`who`), the action's position and the field; the rule itself still works.
 */
export function validateActions(raw: unknown, who: string, problems: string[]): ActionSpec[] {
  if (raw === undefined) {
    return [];
  }
  if (!Array.isArray(raw)) {
    problems.push(l10n.t('{0}: "actions" must be a list such as [{ "do": "restart", "mode": "ask" }], not {1}.', who, describeType(raw)));
    return [];
  }
  const out: ActionSpec[] = [];
  raw.forEach((entry: unknown, i) => {
    const where = l10n.t('{0}, action {1}', who, i + 1);
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(l10n.t('{0} must be an object such as { "do": "restart", "mode": "ask" }, not {1}.', where, describeType(entry)));
      return;
    }
    const o = entry as Record<string, unknown>;
    const start = problems.length;
    if (typeof o.do !== 'string' || !(ACTION_KINDS as readonly string[]).includes(o.do)) {
      problems.push(l10n.t('{0}: "do" is {1}; use one of {2}.', where, describeType(o.do), ACTION_KINDS.map((k) => `"${k}"`).join(', ')));
      return;
    }
    const kind = o.do as ActionKind;
    for (const key of Object.keys(o)) {
      if (!COMMON.includes(key) && !FIELDS[kind].includes(key)) {
        problems.push(l10n.t('{0}: a "{1}" action has no field "{2}"; it takes {3}.', where, kind, key, [...COMMON, ...FIELDS[kind]].map((f) => `"${f}"`).join(', ')));
      }
    }
    let mode = ACTION_DEFAULTS.mode;
    if (o.mode !== undefined) {
      if (typeof o.mode === 'string' && (ACTION_MODES as readonly string[]).includes(o.mode)) {
        mode = o.mode as ActionMode;
      } else {
        problems.push(l10n.t('{0}: "mode" is {1}; use "ask" (the default), "auto" or "dryRun".', where, describeType(o.mode)));
      }
    }
    const cooldownMs = duration(o.cooldown, 'cooldown', ACTION_DEFAULTS.cooldownMs, where, problems);
    let maxPerHour = ACTION_DEFAULTS.maxPerHour;
    if (o.maxPerHour !== undefined) {
      if (typeof o.maxPerHour === 'number' && Number.isInteger(o.maxPerHour) && o.maxPerHour >= 1 && o.maxPerHour <= 60) {
        maxPerHour = o.maxPerHour;
      } else {
        problems.push(l10n.t('{0}: "maxPerHour" must be a whole number from 1 to 60, not {1}.', where, describeType(o.maxPerHour)));
      }
    }
    const spec: { -readonly [K in keyof ActionSpec]: ActionSpec[K] } = { do: kind, mode, cooldownMs, maxPerHour };
    if (kind === 'scale') {
      if (typeof o.workers === 'number' && Number.isInteger(o.workers) && o.workers >= 1 && o.workers <= 64) {
        spec.workers = o.workers;
      } else {
        problems.push(l10n.t('{0}: a "scale" action needs "workers", a whole number from 1 to 64 (got {1}).', where, describeType(o.workers)));
      }
    } else if (kind === 'runTask') {
      if (typeof o.task === 'string' && o.task.trim() !== '') {
        spec.task = o.task.trim();
      } else {
        problems.push(l10n.t('{0}: a "runTask" action needs "task", the name of a task in tasks.json (got {1}).', where, describeType(o.task)));
      }
    } else if (kind === 'command') {
      if (typeof o.command === 'string' && o.command.trim() !== '') {
        spec.command = o.command.trim();
      } else {
        problems.push(
          l10n.t('{0}: a "command" action needs "command", a command line such as "docker compose up -d --scale chat=2" (got {1}).', where, describeType(o.command)),
        );
      }
    } else if (kind === 'cpuProfile') {
      spec.durationMs = profileDuration(o.duration, ACTION_DEFAULTS.profileMs, where, problems);
    } else if (kind === 'heapProfile' && o.duration !== undefined) {
      spec.durationMs = profileDuration(o.duration, undefined, where, problems);
    }
    if (problems.length === start) {
      out.push(spec);
    }
  });
  return out;
}

/** A profile's duration: 1 s to 60 s (the profiler's bounds). */
function profileDuration<T extends number | undefined>(v: unknown, fallback: T, where: string, problems: string[]): number | T {
  const ms = duration(v, 'duration', fallback, where, problems);
  if (ms !== undefined && (ms < 1000 || ms > 60_000)) {
    problems.push(l10n.t('{0}: "duration" must be from 1s to 60s (a profile is bounded), not {1}s.', where, Math.round(ms / 100) / 10));
    return fallback;
  }
  return ms;
}

function duration<T extends number | undefined>(v: unknown, field: string, fallback: T, where: string, problems: string[]): number | T {
  if (v === undefined) {
    return fallback;
  }
  const r = parseDuration(v);
  if ('error' in r) {
    problems.push(l10n.t('{0}: "{1}" {2}.', where, field, r.error));
    return fallback;
  }
  return r.ms;
}
