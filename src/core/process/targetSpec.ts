import * as l10n from '@vscode/l10n';
/**
 * Which way of finding the process a TargetSpec asks for, validated. Shared by the
 * /proc locator and the portable one so both say the same sentences.
 */
import { TargetSpec } from '../model';
import { settingId } from '../settings/settings';

/** The settings a user edits to say which process to watch. */
export const TargetSetting = {
  pid: settingId('target.pid'),
  port: settingId('target.port'),
  commandPattern: settingId('target.commandPattern'),
  ports: settingId('target.ports'),
  everyMatch: settingId('target.everyMatch'),
} as const;

/** Largest PID Linux can hand out (PID_MAX_LIMIT on 64-bit). */
const MAX_PID = 4_194_304;

export type TargetQuery =
  | { readonly kind: 'pid'; readonly pid: number }
  | { readonly kind: 'port'; readonly port: number }
  | { readonly kind: 'pattern'; readonly pattern: RegExp; readonly source: string };

export type LocateFailure = { readonly ok: false; readonly message: string; readonly setting: string };

/** Many local processes watched as one service: those listening on a list of ports, or every match of a pattern. */
export type GroupQuery =
  | { readonly kind: 'ports'; readonly ports: readonly number[] }
  | { readonly kind: 'pattern'; readonly pattern: RegExp; readonly source: string };

/**
 * The group a TargetSpec asks for, or undefined for one process: `target.pid` wins (one
 * process, as asked); else a non-empty `target.ports`; else `target.commandPattern` with
 * `target.everyMatch` (when no single `target.port` is set). Bad values are a sentence.
 */
export function parseGroupSpec(spec: TargetSpec): GroupQuery | LocateFailure | undefined {
  if (spec.pid !== undefined && spec.pid !== null) {
    return undefined;
  }
  if (spec.ports && spec.ports.length > 0) {
    const bad = spec.ports.find((p) => !Number.isInteger(p) || p < 1 || p > 65535);
    if (bad !== undefined) {
      return fail(l10n.t('{0} is not a TCP port ({1}): list whole numbers from 1 to 65535, like [3001, 3002].', String(bad), TargetSetting.ports), TargetSetting.ports);
    }
    return { kind: 'ports', ports: [...new Set(spec.ports)].sort((a, b) => a - b) };
  }
  if (spec.everyMatch && (spec.port === undefined || spec.port === null) && spec.commandPattern && spec.commandPattern.trim() !== '') {
    const q = parseTargetSpec({ commandPattern: spec.commandPattern });
    return 'ok' in q ? q : q.kind === 'pattern' ? { kind: 'pattern', pattern: q.pattern, source: q.source } : undefined;
  }
  return undefined;
}

/**
 * Picks the one query to run: pid, else port, else commandPattern (the most
 * specific wins; the others are not consulted, so a stale pid is reported rather
 * than silently replaced by something else). Bad values become a sentence that
 * names the setting and says how to fix it.
 */
export function parseTargetSpec(spec: TargetSpec): TargetQuery | LocateFailure {
  if (spec.pid !== undefined && spec.pid !== null) {
    const pid = spec.pid;
    if (!Number.isInteger(pid) || pid < 1 || pid > MAX_PID) {
      return fail(l10n.t('{0} is not a valid process id ({1}): use a whole number from 1 to {2}, as shown by ps or top.', String(pid), TargetSetting.pid, MAX_PID), TargetSetting.pid);
    }
    return { kind: 'pid', pid };
  }
  if (spec.port !== undefined && spec.port !== null) {
    const port = spec.port;
    if (!Number.isInteger(port)) {
      return fail(l10n.t('Port {0} is not a whole number ({1}): use 1–65535.', String(port), TargetSetting.port), TargetSetting.port);
    }
    if (port < 1 || port > 65535) {
      return fail(l10n.t('Port {0} is out of range ({1}): use 1–65535.', port, TargetSetting.port), TargetSetting.port);
    }
    return { kind: 'port', port };
  }
  const source = spec.commandPattern;
  if (source !== undefined && source !== null && source.trim() !== '') {
    try {
      return { kind: 'pattern', pattern: new RegExp(source), source };
    } catch (e) {
      const why = e instanceof Error ? e.message.replace(/^Invalid regular expression: (?:\/.*\/[a-z]*: )?/, '') : String(e);
      return fail(
        l10n.t('The command pattern "{0}" is not a valid regular expression ({1}): {2}. Fix it, e.g. node .*server\\.js, or watch by port instead.', source, TargetSetting.commandPattern, why),
        TargetSetting.commandPattern,
      );
    }
  }
  return fail(
    l10n.t(
      'No process to watch is configured: set {0} (the port your chat server listens on), {1} or {2}, or run "Select Process to Watch".',
      TargetSetting.port,
      TargetSetting.pid,
      TargetSetting.commandPattern,
    ),
    TargetSetting.port,
  );
}

export function fail(message: string, setting: string): LocateFailure {
  return { ok: false, message, setting };
}

/** `pid 4242 (node server.js)`, on one line and shortened, for a sentence. */
export function describeProcess(pid: number, commandLine: string): string {
  const oneLine = commandLine.replace(/\s+/g, ' ').trim();
  const cmd = oneLine.length > 80 ? oneLine.slice(0, 77) + '…' : oneLine;
  return `pid ${pid} (${cmd})`;
}
