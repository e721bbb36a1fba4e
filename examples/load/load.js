'use strict';
// Load generator: simulated chat users on WebSockets, driving one of the
// scenarios the monitor should recognise (steady, ramp, cpu-burn, leak, flood, errors).
//
//   node examples/load/load.js --url ws://127.0.0.1:8080 --scenario cpu-burn --users 20 --rate 5 --duration 60s
//
// Also a module: `runLoad(options)` resolves with the summary, and stops early
// (restoring the server's /control settings) when `options.signal` aborts.

// WHY the name: Node 22 has a global WebSocket; this is the `ws` client, which Node 20 needs.
const WsClient = require('ws').WebSocket;
const { LatencyReservoir } = require('./latencyReservoir');
const { normalizeLoadOptions, parseLoadArgs } = require('./loadOptions');

/** The sender tick: fine enough for 50 msg/s per user, coarse enough for 500 users. */
const TICK_MS = 20;
/** A user whose socket buffers more than this skips messages instead of queueing forever. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
const RECONNECT_DELAY_MS = 1000;
const CONNECT_TIMEOUT_MS = 3000;
const CONTROL_TIMEOUT_MS = 2000;
/** Restoring waits longer: a server sick from the scenario may take seconds to drain its backlog. */
const RESTORE_TIMEOUT_MS = 10_000;

/** Epoch milliseconds with sub-millisecond precision; sender and receivers share this process. */
function nowMs() { return performance.timeOrigin + performance.now(); }

function round(n, digits = 2) { return n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits; }

function controlUrlOf(wsUrl) {
  const u = new URL(wsUrl);
  return `http://${u.host}/control`;
}

async function callControl(url, method, body, timeoutMs = CONTROL_TIMEOUT_MS) {
  const res = await fetch(url, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : undefined,
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(json.error ?? `HTTP ${res.status}`);
  return json;
}

/** Opens and closes one socket, so a wrong URL fails in seconds, not after the whole duration. */
function probe(url) {
  return new Promise((resolve) => {
    const ws = new WsClient(url, { handshakeTimeout: CONNECT_TIMEOUT_MS });
    ws.once('open', () => { ws.close(); resolve(undefined); });
    ws.once('error', (err) => resolve(err.message || String(err)));
  });
}

/**
 * @typedef {object} IntervalReport
 * @property {number} atMs time since start
 * @property {number} users connected users
 * @property {number} sent messages sent in this interval
 * @property {number} received chat messages received in this interval (all room members)
 * @property {number} errors errors in this interval
 * @property {number | null} p95Ms end-to-end latency p95 in this interval
 */

/**
 * @typedef {object} LoadSummary
 * @property {boolean} ok false when the options were bad or the server unreachable
 * @property {string} [error] one sentence saying what is wrong and how to fix it
 * @property {string[]} warnings clamped options, /control problems
 * @property {string} scenario
 * @property {boolean} aborted stopped by the signal before the duration ended
 * @property {number} elapsedMs
 * @property {number} peakUsers
 * @property {number} sent
 * @property {number} received
 * @property {number} skipped messages not sent because the socket was backed up
 * @property {number} triggeredErrors messages sent that make the server throw (the errors scenario)
 * @property {number} errors connectionErrors + serverErrors + disconnects
 * @property {number} connectionErrors
 * @property {number} serverErrors `{type:'error'}` replies from the server
 * @property {number} disconnects sockets closed by the server or network
 * @property {number} sentPerSecond
 * @property {{count: number, p50: number|null, p95: number|null, p99: number|null, max: number|null}} latencyMs
 * @property {object} control what was sent to /control at the start
 * @property {IntervalReport[]} intervals
 */

/**
 * Runs a load scenario against a chat server on this machine.
 * @param {object} input options (see loadOptions.js), plus
 *   `signal` (AbortSignal) to stop early, `log` (line => void, default stdout) and
 *   `onInterval` (IntervalReport => void).
 * @returns {Promise<LoadSummary>} never rejects; problems are in `error` / `warnings`
 */
async function runLoad(input = {}) {
  const log = input.log ?? ((line) => process.stdout.write(`${line}\n`));
  const { options, warnings, error } = normalizeLoadOptions(input);
  for (const w of warnings) log(`load: warning: ${w}`);
  const empty = {
    ok: false, warnings, scenario: input.scenario ?? 'steady', aborted: false, elapsedMs: 0, peakUsers: 0,
    sent: 0, received: 0, skipped: 0, errors: 0, connectionErrors: 0, serverErrors: 0, disconnects: 0, triggeredErrors: 0,
    sentPerSecond: 0, latencyMs: { count: 0, p50: null, p95: null, p99: null, max: null }, control: {}, intervals: [],
  };
  if (error) return { ...empty, error };
  const signal = input.signal;
  if (signal?.aborted) return { ...empty, ok: true, aborted: true, scenario: options.scenario };

  const probeError = await probe(options.url);
  if (probeError !== undefined) {
    return {
      ...empty, scenario: options.scenario,
      error: `Could not connect to ${options.url} (${probeError}); start the server with "node examples/chat-server/server.js" or fix --url.`,
    };
  }

  const controlUrl = controlUrlOf(options.url);
  let restoreControl;
  if (Object.keys(options.control).length > 0) {
    try {
      const before = await callControl(controlUrl, 'GET');
      await callControl(controlUrl, 'POST', options.control);
      // Put back what the server had (normally zeros), not zeros blindly: it may
      // have been started with --cpu-work-ms on purpose.
      restoreControl = Object.fromEntries(Object.keys(options.control).map((k) => [k, before[k] ?? 0]));
      log(`load: /control set to ${JSON.stringify(options.control)}`);
    } catch (err) {
      const w = `could not set ${controlUrl} (${err.message}); the "${options.scenario}" scenario runs without its server-side fault.`;
      warnings.push(w);
      log(`load: warning: ${w}`);
    }
  }

  const totals = { sent: 0, received: 0, skipped: 0, connectionErrors: 0, serverErrors: 0, disconnects: 0, triggeredErrors: 0 };
  const interval = { sent: 0, received: 0, errors: 0 };
  const overall = new LatencyReservoir(50_000);
  const recent = new LatencyReservoir(20_000);
  const intervals = [];
  const startMs = nowMs();
  let running = true;
  let peakUsers = 0;
  let seq = 0;

  /** @type {{index: number, name: string, room: string, ws?: import('ws').WebSocket, joined: boolean, credit: number, reconnect?: NodeJS.Timeout}[]} */
  const users = Array.from({ length: options.users }, (_, index) => ({
    index,
    name: `user-${index}`,
    room: `room-${index % options.rooms}`,
    joined: false,
    // Spread the users' first messages over one period so they do not all fire together.
    credit: index / options.users,
  }));

  const countError = (kind) => { totals[kind]++; interval.errors++; };

  function connect(user) {
    user.reconnect = undefined;
    user.joined = false;
    const ws = new WsClient(options.url, { handshakeTimeout: CONNECT_TIMEOUT_MS });
    user.ws = ws;
    let failed = false;
    ws.on('open', () => ws.send(JSON.stringify({ type: 'join', room: user.room, user: user.name })));
    ws.on('message', (data) => {
      let msg;
      try { msg = JSON.parse(data.toString()); } catch { return; }
      if (msg.type === 'chat') {
        totals.received++;
        interval.received++;
        if (typeof msg.sentAt === 'number') {
          const ms = nowMs() - msg.sentAt;
          overall.add(ms);
          recent.add(ms);
        }
      } else if (msg.type === 'joined') {
        user.joined = true;
      } else if (msg.type === 'error') {
        countError('serverErrors');
      }
    });
    ws.on('error', () => { failed = true; countError('connectionErrors'); });
    ws.on('close', () => {
      user.joined = false;
      if (!running || user.ws !== ws) return;
      if (!failed) countError('disconnects');
      user.reconnect = setTimeout(() => { if (running) connect(user); }, RECONNECT_DELAY_MS);
    });
  }

  function targetUsers(elapsedMs) {
    if (options.scenario !== 'ramp') return options.users;
    const fraction = Math.min(1, elapsedMs / options.durationMs);
    return Math.max(1, Math.round(1 + (options.users - 1) * fraction));
  }

  let lastTickMs = nowMs();
  function tick() {
    const now = nowMs();
    const dtSeconds = (now - lastTickMs) / 1000;
    lastTickMs = now;
    const target = targetUsers(now - startMs);
    let connected = 0;
    for (const user of users) {
      if (user.index >= target) break;
      if (!user.ws) connect(user);
      if (!user.joined || user.ws.readyState !== WsClient.OPEN) continue;
      connected++;
      user.credit += options.rate * dtSeconds;
      while (user.credit >= 1) {
        user.credit -= 1;
        if (user.ws.bufferedAmount > MAX_BUFFERED_BYTES) { totals.skipped++; continue; }
        seq++;
        user.ws.send(JSON.stringify({
          type: 'chat', room: user.room, text: `message ${seq} from ${user.name}: the quick brown fox${options.mention ? ` @${options.mention}` : ''}`, sentAt: nowMs(),
        }));
        totals.sent++;
        if (options.mention) totals.triggeredErrors++;
        interval.sent++;
      }
    }
    if (connected > peakUsers) peakUsers = connected;
    return connected;
  }

  let connectedNow = 0;
  const ticker = setInterval(() => { connectedNow = tick(); }, TICK_MS);
  connectedNow = tick();

  function report() {
    const entry = {
      atMs: Math.round(nowMs() - startMs), users: connectedNow, sent: interval.sent,
      received: interval.received, errors: interval.errors, p95Ms: round(recent.percentile(95)),
    };
    intervals.push(entry);
    const seconds = options.reportIntervalMs / 1000;
    log(`load [${(entry.atMs / 1000).toFixed(0).padStart(4)}s] users ${entry.users}/${targetUsers(entry.atMs)}` +
      `  sent ${entry.sent} (${(entry.sent / seconds).toFixed(1)}/s)  received ${entry.received}` +
      `  errors ${entry.errors}  p95 ${entry.p95Ms === null ? '-' : `${entry.p95Ms.toFixed(1)} ms`}`);
    input.onInterval?.(entry);
    interval.sent = 0; interval.received = 0; interval.errors = 0;
    recent.reset();
  }
  const reporter = setInterval(report, options.reportIntervalMs);

  log(`load: ${options.scenario}, ${options.users} users, ${round(options.rate)} msg/s each, ${options.rooms} rooms, ` +
    `${options.durationMs / 1000}s against ${options.url}`);

  const aborted = await new Promise((resolve) => {
    const end = setTimeout(() => resolve(false), options.durationMs);
    signal?.addEventListener('abort', () => { clearTimeout(end); resolve(true); }, { once: true });
  });

  running = false;
  clearInterval(ticker);
  clearInterval(reporter);
  if (interval.sent > 0 || interval.received > 0) report();
  await Promise.all(users.map((user) => closeUser(user)));
  if (restoreControl) {
    try {
      await callControl(controlUrl, 'POST', restoreControl, RESTORE_TIMEOUT_MS);
      log(`load: /control restored to ${JSON.stringify(restoreControl)}`);
    } catch (err) {
      const w = `could not restore ${controlUrl} to ${JSON.stringify(restoreControl)} (${err.message}); POST it by hand.`;
      warnings.push(w);
      log(`load: warning: ${w}`);
    }
  }

  const elapsedMs = nowMs() - startMs;
  const summary = {
    ok: true, warnings, scenario: options.scenario, aborted, elapsedMs: Math.round(elapsedMs), peakUsers,
    ...totals,
    errors: totals.connectionErrors + totals.serverErrors + totals.disconnects,
    sentPerSecond: round(totals.sent / (elapsedMs / 1000), 1),
    latencyMs: {
      count: overall.count, p50: round(overall.percentile(50)), p95: round(overall.percentile(95)),
      p99: round(overall.percentile(99)), max: overall.count ? round(overall.maxMs) : null,
    },
    control: options.control,
    intervals,
  };
  log(`load: done${aborted ? ' (stopped early)' : ''} in ${(elapsedMs / 1000).toFixed(1)}s: sent ${summary.sent} ` +
    `(${summary.sentPerSecond}/s), received ${summary.received}, skipped ${summary.skipped}, errors ${summary.errors}, ` +
    `latency p50 ${fmtMs(summary.latencyMs.p50)} p95 ${fmtMs(summary.latencyMs.p95)} p99 ${fmtMs(summary.latencyMs.p99)} max ${fmtMs(summary.latencyMs.max)}`);
  return summary;
}

function fmtMs(ms) { return ms === null ? '-' : `${ms.toFixed(1)} ms`; }

/** Closes a user's socket, waiting at most a second for the close handshake. */
function closeUser(user) {
  clearTimeout(user.reconnect);
  const ws = user.ws;
  if (!ws || ws.readyState === WsClient.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const cutOff = setTimeout(() => { ws.terminate(); resolve(); }, 1000);
    ws.once('close', () => { clearTimeout(cutOff); resolve(); });
    if (ws.readyState === WsClient.CONNECTING) ws.terminate();
    else ws.close(1000, 'load finished');
  });
}

async function main() {
  const { raw, error } = parseLoadArgs(process.argv.slice(2));
  const optionsError = error ?? normalizeLoadOptions(raw).error;
  if (optionsError) {
    process.stderr.write(`load: ${optionsError}\n`);
    process.exit(2);
  }
  const controller = new AbortController();
  let signals = 0;
  const onSignal = () => {
    // The first signal stops cleanly (restoring /control); a second one is impatience.
    if (++signals > 1) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const summary = await runLoad({ ...raw, signal: controller.signal });
  if (!summary.ok) {
    process.stderr.write(`load: ${summary.error}\n`);
    process.exit(1);
  }
  process.exit(0);
}

if (require.main === module) void main();

module.exports = { runLoad };
