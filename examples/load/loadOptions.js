'use strict';
// Options of the load generator: parsed from the command line or given as an
// object, then checked and clamped to the safety bounds. Bad input gives one
// sentence naming the option; clamping gives a warning, not an error.

const { isLoopbackHost } = require('../chat-server/serverOptions');

/** Safety bounds: a load test on a developer's machine must stay a load test. */
const BOUNDS = Object.freeze({
  maxUsers: 500,
  maxDurationMs: 30 * 60 * 1000,
  maxTotalRatePerSecond: 5000,
  maxRooms: 100,
});

const SCENARIOS = ['steady', 'ramp', 'cpu-burn', 'leak', 'flood', 'errors', 'slow-db'];

/**
 * What each scenario asks of the server through POST /control, and its defaults.
 * WHY these numbers: 8 ms per message at the default 100 msg/s is ~80% of a core;
 * 200 kB per message at 10 msg/s is ~2 MB/s of RSS growth, obvious within a minute;
 * a 2 ms serial store serves ~450 msg/s, so the flood's 1000 msg/s queues up and the
 * latency climbs for as long as the flood lasts.
 */
const SCENARIO_DEFAULTS = Object.freeze({
  steady: { users: 10, rate: 1, control: {} },
  ramp: { users: 50, rate: 1, control: {} },
  'cpu-burn': { users: 20, rate: 5, control: { cpuWorkMs: 8 } },
  leak: { users: 10, rate: 1, control: { leakBytes: 200_000 } },
  flood: { users: 50, rate: 20, control: { latencyMs: 2 } },
  // Every message mentions @nobody, who is in no room: the server's mention lookup
  // (examples/chat-server/src/mentions.ts, via chatRooms.js and server.js) throws a
  // real TypeError, logged with its stack — one error per message sent.
  errors: { users: 5, rate: 1, control: {}, mention: 'nobody' },
  // The store (SQLite insert behind one connection) takes 30 ms a message: requests queue for it.
  'slow-db': { users: 10, rate: 2, control: { latencyMs: 30 } },
});

/**
 * Parses "60s", "2m", "500ms", "1h" or a bare number of seconds.
 * @returns {number | undefined} milliseconds, undefined when unreadable
 */
function parseDurationMs(value) {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(String(value));
  if (!m) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'];
  return Number(m[1]) * unit;
}

const CLI_FLAGS = {
  '--url': 'url', '--scenario': 'scenario', '--users': 'users', '--rate': 'rate',
  '--duration': 'duration', '--rooms': 'rooms', '--cpu-work-ms': 'cpuWorkMs',
  '--leak-bytes': 'leakBytes', '--latency-ms': 'latencyMs', '--report-every': 'reportEvery',
};
const NUMERIC = new Set(['users', 'rate', 'rooms', 'cpuWorkMs', 'leakBytes', 'latencyMs']);

/**
 * Turns `--flag value` / `--flag=value` into a raw options object.
 * @param {string[]} argv
 * @returns {{ raw?: object, error?: string }}
 */
function parseLoadArgs(argv) {
  const raw = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return { error: usage() };
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const key = CLI_FLAGS[flag];
    if (!key) return { error: `Unknown option "${arg}"; the options are ${Object.keys(CLI_FLAGS).join(', ')}.` };
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) return { error: `${flag} needs a value.` };
    raw[key] = NUMERIC.has(key) ? Number(value) : value;
  }
  return { raw };
}

function isNonNegative(n) { return typeof n === 'number' && Number.isFinite(n) && n >= 0; }

/**
 * @typedef {object} LoadOptions
 * @property {string} url ws://127.0.0.1:PORT of the chat server
 * @property {string} scenario steady | ramp | cpu-burn | leak | flood | errors
 * @property {number} users simulated users (peak, for ramp)
 * @property {number} rate chat messages per second per user
 * @property {number} durationMs
 * @property {number} rooms users are spread over this many rooms
 * @property {{cpuWorkMs?: number, leakBytes?: number, latencyMs?: number}} control what to POST to /control
 * @property {number} reportIntervalMs
 */

/**
 * Checks, defaults and clamps options given by a caller or parsed from the CLI.
 * @param {object} input raw options (see LoadOptions; duration may be "60s" or durationMs a number)
 * @returns {{ options?: LoadOptions, warnings: string[], error?: string }}
 */
function normalizeLoadOptions(input = {}) {
  const warnings = [];
  const fail = (error) => ({ warnings, error });
  const scenario = input.scenario ?? 'steady';
  if (!SCENARIOS.includes(scenario)) return fail(`--scenario must be one of ${SCENARIOS.join(', ')}, not "${scenario}".`);
  const defaults = SCENARIO_DEFAULTS[scenario];

  const url = input.url ?? 'ws://127.0.0.1:8080';
  let parsed;
  try { parsed = new URL(url); } catch { return fail(`--url "${url}" is not a URL; use e.g. ws://127.0.0.1:8080.`); }
  if (parsed.protocol !== 'ws:') return fail(`--url must start with ws://, e.g. ws://127.0.0.1:8080, not "${url}".`);
  if (!isLoopbackHost(parsed.hostname)) {
    return fail(`--url points at ${parsed.hostname}, which is not this machine; the load generator only targets loopback (127.0.0.1).`);
  }

  let users = input.users ?? defaults.users;
  if (!isNonNegative(users) || !Number.isInteger(users) || users < 1) return fail(`--users must be a whole number of at least 1, not ${String(users)}.`);
  if (users > BOUNDS.maxUsers) {
    warnings.push(`--users ${users} is above the limit; using ${BOUNDS.maxUsers}.`);
    users = BOUNDS.maxUsers;
  }

  let rate = input.rate ?? defaults.rate;
  if (!isNonNegative(rate) || rate === 0) return fail(`--rate must be a positive number of messages per second per user, not ${String(rate)}.`);
  if (users * rate > BOUNDS.maxTotalRatePerSecond) {
    const clamped = BOUNDS.maxTotalRatePerSecond / users;
    warnings.push(`--users ${users} x --rate ${rate} is above ${BOUNDS.maxTotalRatePerSecond} msg/s in total; using --rate ${clamped.toFixed(2)}.`);
    rate = clamped;
  }

  let durationMs = input.durationMs ?? parseDurationMs(input.duration ?? '60s');
  if (!isNonNegative(durationMs) || durationMs === 0) return fail(`--duration must be a positive time like 60s, 2m or 500ms, not "${String(input.duration ?? input.durationMs)}".`);
  if (durationMs > BOUNDS.maxDurationMs) {
    warnings.push(`--duration is above 30 minutes; using 30m.`);
    durationMs = BOUNDS.maxDurationMs;
  }

  const rooms = input.rooms ?? 3;
  if (!Number.isInteger(rooms) || rooms < 1 || rooms > BOUNDS.maxRooms) return fail(`--rooms must be a whole number from 1 to ${BOUNDS.maxRooms}, not ${String(rooms)}.`);

  const control = { ...defaults.control };
  for (const key of ['cpuWorkMs', 'leakBytes', 'latencyMs']) {
    if (input[key] === undefined) continue;
    if (!isNonNegative(input[key])) return fail(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must be a number of at least 0, not ${String(input[key])}.`);
    control[key] = input[key];
  }

  const reportIntervalMs = input.reportIntervalMs ?? parseDurationMs(input.reportEvery ?? '5s');
  if (!isNonNegative(reportIntervalMs) || reportIntervalMs < 100) return fail('--report-every must be at least 100ms, e.g. 5s.');

  const mention = defaults.mention;
  return { options: { url, scenario, users, rate, durationMs, rooms, control, reportIntervalMs, ...(mention ? { mention } : {}) }, warnings };
}

function usage() {
  return 'Usage: node examples/load/load.js --url ws://127.0.0.1:8080 --scenario steady|ramp|cpu-burn|leak|flood|errors|slow-db --users N --rate MSGS_PER_SEC_PER_USER --duration 60s [--rooms 3] [--cpu-work-ms N] [--leak-bytes N] [--latency-ms N] [--report-every 5s].';
}

module.exports = { normalizeLoadOptions, parseLoadArgs, parseDurationMs, BOUNDS, SCENARIOS, SCENARIO_DEFAULTS };
