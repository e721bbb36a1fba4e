/**
 * The `chatroomMonitor.server.*` settings — how to start the server the monitor
 * supervises — validated into a typed object with one sentence per bad field.
 */
import path from 'node:path';
import * as l10n from '@vscode/l10n';
import { describeType, parseDuration } from '../alerts/duration';
import { LaunchSpec } from './launcher';
import { DEFAULT_POLICY } from './policy';

export const SERVER_SETTING = 'chatroomMonitor.server';

export interface RawServerSettings {
  readonly command?: unknown;
  readonly args?: unknown;
  readonly cwd?: unknown;
  readonly env?: unknown;
  readonly task?: unknown;
  readonly stopOnExit?: unknown;
  readonly minUptime?: unknown;
  readonly maxRestarts?: unknown;
}

export interface ServerSettings {
  /** What to run; undefined when neither a command nor a task is set. */
  readonly launch?: LaunchSpec;
  /** A VS Code task to take the command from (wins over `command`). */
  readonly task?: string;
  readonly stopOnExit: boolean;
  readonly minUptimeMs: number;
  readonly maxRestarts: number;
}

export function parseServerSettings(raw: RawServerSettings, workspaceFolder: string | undefined): { settings: ServerSettings; problems: string[] } {
  const problems: string[] = [];
  const s = (k: string) => `${SERVER_SETTING}.${k}`;
  let command: string | undefined;
  if (typeof raw.command === 'string' && raw.command.trim() !== '') {
    command = raw.command.trim();
  } else if (raw.command !== undefined && raw.command !== null && raw.command !== '') {
    problems.push(l10n.t('{0} must be a program such as "node" or "npm", not {1}.', s('command'), describeType(raw.command)));
  }
  let args: string[] = [];
  if (Array.isArray(raw.args) && raw.args.every((a) => typeof a === 'string')) {
    args = raw.args as string[];
  } else if (raw.args !== undefined && raw.args !== null) {
    problems.push(l10n.t('{0} must be a list of strings such as ["server.js", "--port", "8080"], not {1}.', s('args'), describeType(raw.args)));
  }
  let cwd = workspaceFolder;
  if (typeof raw.cwd === 'string' && raw.cwd.trim() !== '') {
    cwd = path.resolve(workspaceFolder ?? process.cwd(), raw.cwd.trim());
  } else if (raw.cwd !== undefined && raw.cwd !== null && raw.cwd !== '') {
    problems.push(l10n.t('{0} must be a folder (relative to the workspace), not {1}.', s('cwd'), describeType(raw.cwd)));
  }
  const env: Record<string, string> = {};
  if (raw.env !== undefined && raw.env !== null) {
    if (typeof raw.env === 'object' && !Array.isArray(raw.env)) {
      for (const [k, v] of Object.entries(raw.env as Record<string, unknown>)) {
        if (typeof v === 'string' || typeof v === 'number') {
          env[k] = String(v);
        } else {
          problems.push(l10n.t('{0}: "{1}" must be text, not {2}.', s('env'), k, describeType(v)));
        }
      }
    } else {
      problems.push(l10n.t('{0} must be an object such as { "PORT": "8080" }, not {1}.', s('env'), describeType(raw.env)));
    }
  }
  const task = typeof raw.task === 'string' && raw.task.trim() !== '' ? raw.task.trim() : undefined;
  let minUptimeMs = DEFAULT_POLICY.minUptimeMs;
  if (raw.minUptime !== undefined && raw.minUptime !== null) {
    const r = parseDuration(raw.minUptime);
    if ('error' in r) {
      problems.push(l10n.t('{0} {1}.', s('minUptime'), r.error));
    } else {
      minUptimeMs = r.ms;
    }
  }
  let maxRestarts = DEFAULT_POLICY.maxRestarts;
  if (raw.maxRestarts !== undefined && raw.maxRestarts !== null) {
    if (typeof raw.maxRestarts === 'number' && Number.isInteger(raw.maxRestarts) && raw.maxRestarts >= 0 && raw.maxRestarts <= 1000) {
      maxRestarts = raw.maxRestarts;
    } else {
      problems.push(l10n.t('{0} must be a whole number from 0 to 1000, not {1}.', s('maxRestarts'), describeType(raw.maxRestarts)));
    }
  }
  const stopOnExit = typeof raw.stopOnExit === 'boolean' ? raw.stopOnExit : true;
  return {
    settings: {
      ...(command ? { launch: { command, args, ...(cwd ? { cwd } : {}), ...(Object.keys(env).length ? { env } : {}) } } : {}),
      ...(task ? { task } : {}),
      stopOnExit,
      minUptimeMs,
      maxRestarts,
    },
    problems,
  };
}

/**
 * The process to watch in a supervised tree: down from the leader while there is
 * exactly one child (`npm` → `sh` → `node server.js`); a process with several children
 * (a cluster primary) is the server itself.
 */
export function serverPidOf(tree: readonly { pid: number; ppid: number }[]): number | undefined {
  const root = tree[0];
  if (!root) {
    return undefined;
  }
  let pid = root.pid;
  for (;;) {
    const children = tree.filter((p) => p.ppid === pid);
    if (children.length !== 1) {
      return pid;
    }
    pid = children[0]!.pid;
  }
}
