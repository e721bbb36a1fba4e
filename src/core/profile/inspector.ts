/**
 * Opens the inspector of a running Node process the documented way, and closes it
 * again: https://nodejs.org/en/learn/getting-started/debugging#enable-inspector —
 * "a Node.js process started without --inspect can be instructed to start listening
 * for debugging messages by signaling it with SIGUSR1". Node then listens on
 * 127.0.0.1 at its debug port: 9229, or the one given by --inspect-port / --inspect
 * (cluster workers of a primary started with --inspect get 9230, 9231…).
 *
 * What can go wrong, and what this module does about it:
 * - The inspector is already open (started with --inspect): it is reused, and left open.
 * - The port is taken by another process (two servers, two cluster workers without
 *   --inspect, another debugger): Node would only print "address already in use" on
 *   the server's own stderr, so the holder is found first and named in a sentence.
 * - The process does not catch SIGUSR1 (Python, or Node with --disable-sigusr1): the
 *   signal's default action would kill it, so it is never sent.
 * - The port is read from /proc (the sockets the pid holds), not assumed, and the
 *   pid on the other end is checked through `process.pid` before anything else.
 * Only processes of this user on this machine: the pid's uid must be ours.
 */
import fs from 'node:fs';
import * as l10n from '@vscode/l10n';
import http from 'node:http';
import { PROC_ROOT, readCmdline, readTcpListeners, socketInodesOf } from '../process/procfs';
import { CdpClient, CdpError } from './cdpClient';

/** Node's default debug port (`process.debugPort`). */
export const DEFAULT_INSPECTOR_PORT = 9229;
const SIGUSR1_BIT = 1n << 9n; // signal 10, bit 9 of /proc/PID/status SigCgt
const OPEN_TIMEOUT_MS = 5_000;
const CLOSE_TIMEOUT_MS = 3_000;
const POLL_MS = 100;
/** At most this many of the pid's listening ports are asked whether they are an inspector. */
const MAX_PROBED_PORTS = 16;

/** A failure the user must read: the message is the sentence to show. */
export class ProfileError extends Error {}

export interface ProcessFacts {
  readonly pid: number;
  readonly uid: number | undefined;
  readonly catchesSigusr1: boolean;
  readonly commandLine: readonly string[];
  /** The executable's base name (node, python3…). */
  readonly executable: string;
}

export interface OpenInspector {
  readonly client: CdpClient;
  readonly pid: number;
  readonly port: number;
  /** True when this module opened it (by SIGUSR1): then it must be closed afterwards. */
  readonly openedByUs: boolean;
}

export type Log = (message: string) => void;

/** Everything /proc says about a pid that decides whether and how to attach. */
export async function readProcessFacts(pid: number): Promise<ProcessFacts> {
  let status: string;
  try {
    status = await fs.promises.readFile(`${PROC_ROOT}/${pid}/status`, 'utf8');
  } catch {
    throw new ProfileError(l10n.t('No process with pid {0} is running.', pid));
  }
  const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
  const sigCgt = /^SigCgt:\s+([0-9a-fA-F]+)/m.exec(status)?.[1];
  const commandLine = await readCmdline(pid).catch(() => [] as string[]);
  const exeLink = await fs.promises.readlink(`${PROC_ROOT}/${pid}/exe`).catch(() => commandLine[0] ?? '');
  return {
    pid,
    uid: uid !== undefined ? Number(uid) : undefined,
    catchesSigusr1: sigCgt !== undefined && (BigInt('0x' + sigCgt) & SIGUSR1_BIT) !== 0n,
    commandLine,
    executable: exeLink.split('/').pop()?.replace(/ \(deleted\)$/, '') ?? '',
  };
}

/** Refuses another user's process: only our own may be signalled or profiled. */
export function checkSameUser(facts: ProcessFacts, myUid: number | undefined = process.getuid?.()): void {
  if (myUid !== undefined && facts.uid !== undefined && facts.uid !== myUid) {
    throw new ProfileError(l10n.t('Process {0} belongs to another user (uid {1}); only your own processes can be profiled.', facts.pid, facts.uid));
  }
}

/** True for a Node (or Node-embedding) executable. */
export function looksLikeNode(facts: Pick<ProcessFacts, 'executable' | 'commandLine'>): boolean {
  const first = (facts.commandLine[0] ?? '').split('/').pop() ?? '';
  return /^(node|nodejs|node\d+)$/.test(facts.executable) || /^(node|nodejs)$/.test(first);
}

/**
 * The port Node opens on SIGUSR1: the last --inspect-port / --inspect* host:port on
 * its command line or in NODE_OPTIONS, else 9229. 0 means "any free port".
 */
export function expectedInspectorPort(commandLine: readonly string[], nodeOptions = ''): number {
  let port = DEFAULT_INSPECTOR_PORT;
  const own = commandLine.slice(1);
  const scriptAt = own.findIndex((a) => !a.startsWith('-'));
  // What follows the script name belongs to the script, not to Node.
  const args = [...nodeOptions.split(/\s+/).filter(Boolean), ...(scriptAt < 0 ? own : own.slice(0, scriptAt))];
  for (const a of args) {
    const m = /^--(?:inspect-port|debug-port|inspect(?:-brk|-wait)?)=(?:\[?[^\]]*\]?:)?(\d+)$/.exec(a);
    if (m) {
      port = Number(m[1]);
    }
  }
  return port;
}

async function nodeOptionsOf(pid: number): Promise<string> {
  try {
    const env = await fs.promises.readFile(`${PROC_ROOT}/${pid}/environ`, 'utf8');
    const hit = env.split('\0').find((e) => e.startsWith('NODE_OPTIONS='));
    return hit ? hit.slice('NODE_OPTIONS='.length) : '';
  } catch {
    return '';
  }
}

/** The TCP ports a pid listens on, from its own /proc/PID/net and fd links. */
export async function listeningPortsOf(pid: number): Promise<number[]> {
  const [listeners, held] = await Promise.all([readTcpListeners(pid), socketInodesOf(pid)]);
  const mine = new Set(held);
  return [...new Set(listeners.filter((l) => mine.has(l.inode)).map((l) => l.port))].sort((a, b) => a - b);
}

/** Which pid (of those we can see) listens on a port, if any. */
async function holderOf(port: number): Promise<{ pid: number; commandLine: string } | 'unknown' | undefined> {
  const inodes = new Set((await readTcpListeners()).filter((l) => l.port === port).map((l) => l.inode));
  if (inodes.size === 0) {
    return undefined;
  }
  for (const name of await fs.promises.readdir(PROC_ROOT)) {
    if (!/^\d+$/.test(name)) {
      continue;
    }
    const held = await socketInodesOf(Number(name));
    if (held.some((i) => inodes.has(i))) {
      const cmd = await readCmdline(Number(name)).catch(() => [] as string[]);
      return { pid: Number(name), commandLine: cmd.join(' ') };
    }
  }
  return 'unknown';
}

/** The WebSocket URL of the inspector on 127.0.0.1:port, or undefined when that port is not one. */
export function probeInspector(port: number, timeoutMs = 1000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/json/list', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
        if (body.length > 64 * 1024) {
          req.destroy();
        }
      });
      res.on('end', () => {
        try {
          const list = JSON.parse(body) as { webSocketDebuggerUrl?: unknown; type?: unknown }[];
          const target = Array.isArray(list) ? list.find((t) => typeof t.webSocketDebuggerUrl === 'string') : undefined;
          resolve(target ? (target.webSocketDebuggerUrl as string) : undefined);
        } catch {
          resolve(undefined);
        }
      });
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return fs.existsSync(`${PROC_ROOT}/${pid}/status`) && !/^State:\s+[ZX]/m.test(fs.readFileSync(`${PROC_ROOT}/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

const exitedWhileOpening = (pid: number): ProfileError => new ProfileError(l10n.t('Process {0} exited while its inspector was being opened; nothing was captured.', pid));

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Connects and checks the other end is the pid we meant (a port can be reused). */
async function connectTo(wsUrl: string, pid: number, port: number): Promise<CdpClient> {
  const client = await CdpClient.connect(wsUrl);
  try {
    const r = await client.send<{ result?: { value?: unknown } }>('Runtime.evaluate', { expression: 'process.pid', returnByValue: true }, 10_000);
    if (r.result?.value !== pid) {
      throw new ProfileError(l10n.t('The inspector on port {0} belongs to pid {1}, not {2}; nothing was captured.', port, String(r.result?.value), pid));
    }
    return client;
  } catch (e) {
    client.close();
    if (!(e instanceof CdpError)) throw e;
    // A connection that closes because the process died is the process's exit, said as such.
    if (!isAlive(pid)) throw exitedWhileOpening(pid);
    throw new ProfileError(l10n.t("Process {0}'s inspector on port {1} did not answer: {2}", pid, port, e.message));
  }
}

/**
 * Finds the pid's open inspector, or opens one with SIGUSR1. Linux only (the port
 * and the signal's safety are read from /proc). Throws ProfileError with a sentence.
 */
export async function openInspector(pid: number, log: Log, platform: NodeJS.Platform = process.platform): Promise<OpenInspector> {
  if (platform !== 'linux') {
    throw new ProfileError(
      l10n.t("Attaching to a running Node process needs Linux here (its inspector port is read from /proc); start the server with --inspect=127.0.0.1:9229 and profile it from VS Code's debugger instead."),
    );
  }
  const facts = await readProcessFacts(pid);
  checkSameUser(facts);
  const before = await listeningPortsOf(pid);
  for (const port of before.slice(0, MAX_PROBED_PORTS)) {
    const url = await probeInspector(port);
    if (url) {
      log(l10n.t('Process {0} already has an inspector open on 127.0.0.1:{1}; using it (it stays open afterwards).', pid, port));
      return { client: await connectTo(url, pid, port), pid, port, openedByUs: false };
    }
  }
  if (!facts.catchesSigusr1) {
    throw new ProfileError(
      looksLikeNode(facts)
        ? l10n.t('Process {0} ({1}) does not handle SIGUSR1 (started with --disable-sigusr1?), so its inspector cannot be opened from outside; start it with --inspect=127.0.0.1:0.', pid, facts.executable)
        : l10n.t('Process {0} ({1}) is not a Node process with an inspector: SIGUSR1 would stop it, so it was not sent.', pid, facts.executable || l10n.t('unknown')),
    );
  }
  const expected = expectedInspectorPort(facts.commandLine, await nodeOptionsOf(pid));
  if (expected !== 0) {
    const holder = await holderOf(expected);
    if (holder !== undefined && (holder === 'unknown' || holder.pid !== pid)) {
      const who = holder === 'unknown' ? l10n.t('a process this user cannot see') : `pid ${holder.pid} (${holder.commandLine.slice(0, 120)})`;
      throw new ProfileError(
        l10n.t(
          'Port {0}, where process {1} would open its inspector on SIGUSR1, is already taken by {2}. Profile one at a time (cluster workers each want it), close that debugger, or start the server with --inspect-port=0.',
          expected,
          pid,
          who,
        ),
      );
    }
  }
  process.kill(pid, 'SIGUSR1');
  const deadline = Date.now() + OPEN_TIMEOUT_MS;
  const known = new Set(before);
  while (Date.now() < deadline) {
    await sleep(POLL_MS);
    if (!isAlive(pid)) {
      throw exitedWhileOpening(pid);
    }
    for (const port of await listeningPortsOf(pid)) {
      if (known.has(port)) {
        continue;
      }
      const url = await probeInspector(port);
      if (url) {
        log(l10n.t('Opened the inspector of process {0} on 127.0.0.1:{1} (SIGUSR1); it will be closed after the capture.', pid, port));
        try {
          return { client: await connectTo(url, pid, port), pid, port, openedByUs: true };
        } catch (e) {
          log(l10n.t("Process {0}'s inspector on 127.0.0.1:{1} was opened but could not be used; restart the server to close it.", pid, port));
          throw e;
        }
      }
      known.add(port); // a port of its own, not the inspector
    }
  }
  throw new ProfileError(
    l10n.t('Process {0} was sent SIGUSR1 but opened no inspector within {1} s (its stderr may say "address already in use"); start it with --inspect=127.0.0.1:0 and try again.', pid, OPEN_TIMEOUT_MS / 1000),
  );
}

/**
 * The expression that closes a process' inspector from inside it, two turns of its
 * event loop later. WHY not at once: Node answers SIGUSR1 twice, by a V8 interrupt
 * and by a libuv async callback, and whichever comes second finds the inspector
 * open and does nothing. Under load the loop can be seconds behind; closing at once
 * then lets that late callback open the inspector again after the capture (seen
 * under the cpu-burn scenario). Two turns after this runs, the late one has run.
 */
export const CLOSE_INSPECTOR_EXPRESSION =
  "setImmediate(() => setImmediate(() => (globalThis.process.getBuiltinModule ? process.getBuiltinModule('inspector') : require('inspector')).close())), 'closing'";

/** How long the port may take to close (the server's event loop may be behind). */
const CLOSE_WAIT_MS = 30_000;

/**
 * Closes what openInspector opened (and only that): the process closes its own
 * inspector, which ends this connection; then the port must stop listening.
 */
export async function closeInspector(ins: OpenInspector, log: Log): Promise<void> {
  if (!ins.openedByUs) {
    ins.client.close();
    return;
  }
  if (!ins.client.isClosed) {
    await ins.client
      .send('Runtime.evaluate', { expression: CLOSE_INSPECTOR_EXPRESSION, includeCommandLineAPI: true }, CLOSE_TIMEOUT_MS)
      .catch((e: unknown) => log(l10n.t('Asking process {0} to close its inspector failed: {1}', ins.pid, e instanceof Error ? e.message : String(e))));
    await Promise.race([ins.client.whenClosed(), sleep(CLOSE_TIMEOUT_MS)]);
    ins.client.close();
  }
  await closeOpenedPort(ins.pid, ins.port, log);
}

async function closeOpenedPort(pid: number, port: number, log: Log): Promise<void> {
  const deadline = Date.now() + CLOSE_WAIT_MS;
  for (;;) {
    if (!isAlive(pid)) {
      log(l10n.t('Process {0} has exited; its inspector port {1} is gone with it.', pid, port));
      return;
    }
    if (!(await listeningPortsOf(pid)).includes(port)) {
      // Checked twice, a little apart: the port must stay closed, not just blink.
      await sleep(5 * POLL_MS);
      if (!isAlive(pid) || !(await listeningPortsOf(pid)).includes(port)) {
        log(l10n.t('Closed the inspector of process {0}: port {1} no longer listens.', pid, port));
        return;
      }
    }
    if (Date.now() > deadline) {
      log(l10n.t('The inspector of process {0} still listens on 127.0.0.1:{1} {2} s after the capture (its event loop may be far behind); it closes when the loop catches up, or restart the server.', pid, port, CLOSE_WAIT_MS / 1000));
      return;
    }
    await sleep(POLL_MS);
  }
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs captures one at a time in this process: cluster workers (and two servers)
 * all open their inspector on 9229 by default, so two at once would collide.
 */
export function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
}
