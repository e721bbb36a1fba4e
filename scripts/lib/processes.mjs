// Child processes for the test harness and the demo: each one starts in its own
// process group so that stopping it also stops what it started (code-server forks
// an extension host, a pty host, file watchers...), every PID is tracked, and all
// of them are stopped on success, failure, Ctrl-C, SIGTERM and uncaught errors —
// a test run must never leave a chat server or a browser behind.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** @typedef {{ name: string, child: import('node:child_process').ChildProcess, pid: number, exited: Promise<number|null>, output: () => string, ended?: { code: number|null, signal: string|null } }} Tracked */

/** @type {Set<Tracked>} */
const tracked = new Set();
const DEFAULT_GRACE_MS = 5000;
// Keep only the tail of each child's output: enough to explain a failure, bounded.
const OUTPUT_KEEP_CHARS = 64 * 1024;

/**
 * Starts `command args` in a new process group and tracks it until it exits.
 * Output is kept (bounded) for error messages and, when `logFile` is given, also
 * appended there; `echo: true` forwards it to this process' stdout with a prefix.
 * @param {string} name  short label used in messages ("chat-server", "code-server")
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, logFile?: string, echo?: boolean }} [options]
 * @returns {Tracked}
 */
export function startProcess(name, command, args, options = {}) {
  installExitHandlers();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    // detached = setsid(): the child leads a new process group we can signal as one.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let log;
  if (options.logFile) {
    fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
    log = fs.createWriteStream(options.logFile, { flags: 'a' });
    // A log we cannot write must not crash the run it is there to explain.
    log.on('error', () => {});
  }
  const onData = (chunk) => {
    const text = chunk.toString();
    out = (out + text).slice(-OUTPUT_KEEP_CHARS);
    log?.write(text);
    if (options.echo) {
      process.stdout.write(text.replace(/^(?=.)/gm, `[${name}] `));
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((resolve) => {
    child.on('error', (err) => {
      out += `\n${name}: ${err.message}\n`;
      resolve(null);
    });
    child.on('exit', (code, signal) => {
      entry.ended = { code, signal };
      resolve(code ?? (signal ? 128 : null));
    });
  });
  /** @type {Tracked} */
  const entry = { name, child, pid: child.pid ?? -1, exited, output: () => out };
  tracked.add(entry);
  void exited.then(() => {
    log?.end();
  });
  return entry;
}

/** Every PID whose ancestry leads to `rootPid` (from /proc; empty where /proc is absent). */
export function descendantsOf(rootPid) {
  const children = new Map();
  let entries = [];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) {
      continue;
    }
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      // The command name (field 2) may contain spaces and parentheses: parse after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(e));
      children.set(ppid, list);
    } catch {
      // The process exited while we read /proc: nothing to stop.
    }
  }
  const out = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const p = queue.shift();
    for (const c of children.get(p) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid, sig) {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/**
 * Stops one tracked process: SIGTERM to its process group and to every descendant
 * (some, like node-pty's shells, start their own session), then SIGKILL to whatever
 * is still alive after `graceMs`.
 * @param {Tracked} entry
 * @param {number} [graceMs]
 */
export async function stopProcess(entry, graceMs = DEFAULT_GRACE_MS) {
  if (entry.pid <= 0) {
    tracked.delete(entry);
    return;
  }
  // Collect descendants before the leader dies: once it does they are re-parented and lost.
  const pids = [entry.pid, ...descendantsOf(entry.pid)];
  signal(-entry.pid, 'SIGTERM');
  for (const p of pids) {
    signal(p, 'SIGTERM');
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(isAlive)) {
    await new Promise((r) => setTimeout(r, 50));
  }
  signal(-entry.pid, 'SIGKILL');
  for (const p of pids) {
    if (isAlive(p)) {
      signal(p, 'SIGKILL');
    }
  }
  tracked.delete(entry);
}

/** Stops every tracked process, newest first (a load generator before its server). */
export async function stopAll(graceMs = DEFAULT_GRACE_MS) {
  const all = [...tracked].reverse();
  await Promise.all(all.map((e) => stopProcess(e, graceMs)));
}

/** PIDs still tracked (for the "nothing left running" check at the end of a run). */
export function trackedPids() {
  return [...tracked].map((e) => e.pid);
}

/** Synchronous last resort for process 'exit': no time left for a grace period. */
function killAllNow() {
  for (const e of tracked) {
    if (e.pid > 0) {
      const pids = [e.pid, ...descendantsOf(e.pid)];
      signal(-e.pid, 'SIGKILL');
      for (const p of pids) {
        signal(p, 'SIGKILL');
      }
    }
  }
  tracked.clear();
}

/** The signal this process received and is stopping for (SIGINT, SIGTERM, SIGHUP), if any. */
let stoppingFor;
export function stopSignal() {
  return stoppingFor;
}

/**
 * Why a tracked process ended, in words: "exited with code 0", "exited with code 3",
 * "was stopped by SIGTERM".
 * @param {Tracked} entry
 */
export function endedWords(entry) {
  const e = entry.ended;
  if (!e) {
    return 'could not be started';
  }
  return e.signal ? `was stopped by ${e.signal}` : `exited with code ${e.code}`;
}

/**
 * Resolves with the first of `entries` to end, or with `{ parentGone: pid }` when this
 * process' parent ends first (the npm or shell that started us was killed: we are
 * orphaned and must not run on unseen). Polls the parent every `everyMs`.
 * @param {Tracked[]} entries
 * @param {number} [everyMs]
 * @returns {Promise<{ entry: Tracked } | { parentGone: number }>}
 */
export function firstEnd(entries, everyMs = 500) {
  const parent = process.ppid;
  let timer;
  const orphaned = new Promise((resolve) => {
    timer = setInterval(() => {
      if (process.ppid !== parent) {
        resolve({ parentGone: parent });
      }
    }, everyMs);
  });
  return Promise.race([orphaned, ...entries.map((entry) => entry.exited.then(() => ({ entry })))]).finally(() => clearInterval(timer));
}

let handlersInstalled = false;
function installExitHandlers() {
  if (handlersInstalled) {
    return;
  }
  handlersInstalled = true;
  const onSignal = (sig) => {
    // Ctrl-C in a terminal reaches every process of the foreground group, and npm forwards
    // the one it got as well: a repeat while stopping must not end this process before its
    // children are stopped (they run in their own groups and would be left behind).
    if (stoppingFor !== undefined) {
      return;
    }
    stoppingFor = sig;
    process.stderr.write(`\n${sig}: stopping ${tracked.size} child process(es)…\n`);
    void stopAll(2000).finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('uncaughtException', (err) => {
    process.stderr.write(`uncaught error: ${err?.stack ?? err}\n`);
    void stopAll(2000).finally(() => process.exit(1));
  });
  process.on('unhandledRejection', (err) => {
    process.stderr.write(`unhandled rejection: ${err?.stack ?? err}\n`);
    void stopAll(2000).finally(() => process.exit(1));
  });
  process.on('exit', killAllNow);
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (s.address());
      s.close(() => resolve(port));
    });
  });
}

/**
 * Resolves with the regex match once the process prints a line matching `pattern`;
 * rejects with its output when it exits first or when `timeoutMs` passes.
 * @param {Tracked} entry
 * @param {RegExp} pattern
 * @param {number} timeoutMs
 * @returns {Promise<RegExpMatchArray>}
 */
export function waitForLine(entry, pattern, timeoutMs) {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = entry.output().match(pattern);
      if (m) {
        done();
        resolve(m);
      }
    };
    const onData = () => check();
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${entry.name} did not print ${pattern} within ${timeoutMs} ms; its output:\n${entry.output().slice(-2000)}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      entry.child.stdout?.off('data', onData);
      entry.child.stderr?.off('data', onData);
    };
    // Listeners added after startProcess' own ones, so output() already holds the chunk.
    entry.child.stdout?.on('data', onData);
    entry.child.stderr?.on('data', onData);
    void entry.exited.then((code) => {
      setImmediate(() => {
        if (!entry.output().match(pattern)) {
          done();
          reject(new Error(`${entry.name} exited (code ${code}) before printing ${pattern}; its output:\n${entry.output().slice(-2000)}`));
        }
      });
    });
    check();
  });
}

/**
 * Polls `url` until it answers 2xx, or rejects after `timeoutMs` (or when `entry`,
 * if given, exits first — no point waiting for a server that died).
 * @param {string} url
 * @param {number} timeoutMs
 * @param {Tracked} [entry]
 */
export async function waitForHttp(url, timeoutMs, entry) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void entry?.exited.then(() => (exited = true));
  let last = '';
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`${entry.name} exited while we waited for ${url}; its output:\n${entry.output().slice(-2000)}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) {
        return;
      }
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err?.cause?.code ?? err?.message ?? String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (last: ${last})`);
}

/**
 * Start time of a process in clock ticks since boot (/proc/PID/stat field 22), so a
 * PID seen earlier can be told from a new process that reused it; undefined when gone.
 */
export function processStartTicks(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * Remembers every descendant of this process it sees (polling /proc), so that at the
 * end of a run we can find the ones that outlived their parent (re-parented to init,
 * invisible to a plain process-tree walk) and stop them.
 * @param {number} everyMs
 */
export function watchDescendants(everyMs = 500) {
  /** @type {Map<number, { start: string, cmd: string }>} */
  const seen = new Map();
  const sample = () => {
    for (const pid of descendantsOf(process.pid)) {
      if (!seen.has(pid)) {
        const start = processStartTicks(pid);
        let cmd = '';
        try {
          cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
        } catch {
          // Gone already.
        }
        if (start !== undefined) {
          seen.set(pid, { start, cmd });
        }
      }
    }
  };
  const timer = setInterval(sample, everyMs);
  timer.unref();
  sample();
  return {
    /** Processes seen during the run that are still alive now. */
    survivors() {
      clearInterval(timer);
      return [...seen].filter(([pid, s]) => processStartTicks(pid) === s.start).map(([pid, s]) => ({ pid, cmd: s.cmd }));
    },
    /** SIGKILLs the given survivors. */
    kill(list) {
      for (const { pid } of list) {
        signal(pid, 'SIGKILL');
      }
    },
  };
}
