import * as l10n from '@vscode/l10n';
/**
 * Pure rules for choosing among several processes: which of the holders of one
 * socket (or matches of one pattern) is the server, and how chat-server-like a
 * listening process looks in the "Select Process to Watch" list.
 */
import { describeProcess } from './targetSpec';

/** What the choice rules need to know about a process. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly args: readonly string[];
  /** Arguments joined by spaces. */
  readonly commandLine: string;
  /** Executable base name (`node`, `python3`). */
  readonly executable: string;
  readonly startTimeMs: number;
}

/** Executable base name from argv[0], falling back to the kernel's comm (kernel threads have no argv). */
export function executableOf(args: readonly string[], comm: string): string {
  const first = args[0];
  if (first === undefined || first === '') {
    return comm;
  }
  // npm and others rewrite their title to "npm start" in argv[0]'s memory.
  const exe = first.split(' ')[0] ?? first;
  return exe.slice(exe.lastIndexOf('/') + 1) || comm;
}

const WRAPPER_NAMES = new Set([
  'npm', 'npx', 'yarn', 'pnpm', 'corepack', 'sh', 'bash', 'dash', 'zsh', 'fish', 'env', 'nohup', 'timeout',
  'sudo', 'make', 'nodemon', 'tsx', 'ts-node-dev', 'concurrently', 'npm-cli', 'npx-cli', 'yarn', 'pnpm',
  'watchexec', 'entr', 'uv', 'poetry', 'pipenv',
]);

/** Base name without directory or a .js/.cjs/.mjs extension. */
function scriptName(arg: string | undefined): string {
  if (arg === undefined) {
    return '';
  }
  return arg.slice(arg.lastIndexOf('/') + 1).replace(/\.(?:c|m)?js$/, '');
}

/**
 * A launcher that starts the real server as a child (`npm start`, `sh -c`,
 * `node …/nodemon`): these can hold an inherited listening socket too, but the
 * numbers the user cares about are the child's.
 */
export function isWrapper(p: Pick<ProcessInfo, 'args' | 'executable'>): boolean {
  if (WRAPPER_NAMES.has(p.executable)) {
    return true;
  }
  // `node /usr/lib/node_modules/npm/bin/npm-cli.js start`: the wrapper is the script.
  return /^(?:node|nodejs|bun|deno)$/.test(p.executable) && WRAPPER_NAMES.has(scriptName(p.args[1]));
}

export interface Choice {
  readonly chosen: ProcessInfo;
  /** Empty when there was only one; otherwise a clause saying why this one (starts with "; "). */
  readonly why: string;
}

/**
 * Chooses the server among processes that share a socket or match a pattern: the
 * innermost (a process whose descendant also qualifies is a launcher handing the
 * socket down), then not a known wrapper, then the oldest (the primary among
 * siblings), then the lowest pid so the choice is stable.
 *
 * @param ancestorsOf the ancestor PIDs of each candidate (parent, grandparent…).
 */
export function chooseServerProcess(
  candidates: readonly ProcessInfo[],
  ancestorsOf: ReadonlyMap<number, ReadonlySet<number>>,
): Choice | undefined {
  if (candidates.length === 0) {
    return undefined;
  }
  const pids = candidates.map((c) => c.pid);
  const isAncestorOfAnother = (c: ProcessInfo): boolean =>
    pids.some((other) => other !== c.pid && (ancestorsOf.get(other)?.has(c.pid) ?? false));
  let pool = candidates.filter((c) => !isAncestorOfAnother(c));
  const innermostMattered = pool.length < candidates.length;
  const nonWrappers = pool.filter((c) => !isWrapper(c));
  const wrapperMattered = nonWrappers.length > 0 && nonWrappers.length < pool.length;
  if (nonWrappers.length > 0) {
    pool = nonWrappers;
  }
  const sorted = [...pool].sort((a, b) => a.startTimeMs - b.startTimeMs || a.pid - b.pid);
  const chosen = sorted[0]!;
  if (candidates.length === 1) {
    return { chosen, why: '' };
  }
  const reasons: string[] = [];
  if (innermostMattered) {
    reasons.push(l10n.t('the innermost (the others are its parents or launchers)'));
  }
  if (wrapperMattered) {
    reasons.push(l10n.t('not a wrapper like npm or sh'));
  }
  if (sorted.length > 1) {
    reasons.push(l10n.t('the oldest of its peers'));
  }
  const others = candidates
    .filter((c) => c.pid !== chosen.pid)
    .slice(0, 3)
    .map((c) => describeProcess(c.pid, c.commandLine));
  const more = candidates.length - 1 > others.length ? l10n.t(' and {0} more', candidates.length - 1 - others.length) : '';
  return {
    chosen,
    why: l10n.t('; {0} processes qualify, chose it as {1} over {2}{3}', candidates.length, reasons.join(l10n.t(', ')), others.join(l10n.t(', ')), more),
  };
}

const RUNTIMES = /^(?:node|nodejs|bun|deno|python\d*(?:\.\d+)?|pypy\d*|uvicorn|gunicorn|hypercorn|daphne|ruby|java|dotnet|php)$/;
const COMMON_DEV_PORTS = new Set([3000, 3001, 4000, 5000, 5001, 5173, 8000, 8001, 8080, 8081, 8765, 8888, 9000]);
const NOT_A_CHAT_SERVER = /(?:code-server|vscode|extensionHost|sshd|systemd|chrome|chromium|postgres|mysqld|redis-server|dockerd|containerd)/i;

/** What the Select Process list knows about a listening process. */
export interface CandidateFacts {
  readonly executable: string;
  readonly commandLine: string;
  readonly ports: readonly number[];
}

/**
 * A rough "looks like a chat server someone is developing" score for sorting the
 * Select Process list: higher first. Only an ordering hint, never a filter.
 */
export function chatLikeScore(c: CandidateFacts): number {
  let score = 0;
  if (/chat/i.test(c.commandLine)) {
    score += 5;
  }
  if (/(?:\bws\b|websocket|socket\.io|\bsocket)/i.test(c.commandLine)) {
    score += 3;
  }
  if (/(?:server|serve\b|app\.|index\.|main\.)/i.test(c.commandLine)) {
    score += 2;
  }
  if (RUNTIMES.test(c.executable)) {
    score += 3;
  }
  if (c.ports.some((p) => COMMON_DEV_PORTS.has(p))) {
    score += 2;
  }
  if (WRAPPER_NAMES.has(c.executable)) {
    score -= 2;
  }
  if (NOT_A_CHAT_SERVER.test(c.commandLine)) {
    score -= 6;
  }
  return score;
}
