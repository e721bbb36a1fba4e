'use strict';
// Options of the example chat server, from CLI flags and environment variables,
// validated into one object. Bad input gives one sentence naming the flag.

/** Upper bounds for the fault-injection knobs, so a typo cannot hang the machine. */
const LIMITS = Object.freeze({
  cpuWorkMs: 1000,
  leakBytes: 10 * 1024 * 1024,
  latencyMs: 10_000,
});

/** Default cap on all leaked bytes together: the leak scenario must not eat the host. */
const DEFAULT_LEAK_LIMIT_BYTES = 1024 * 1024 * 1024;

const FLAGS = {
  '--port': { key: 'port', env: 'CHAT_PORT', kind: 'int', min: 0, max: 65535 },
  '--host': { key: 'host', env: 'CHAT_HOST', kind: 'string' },
  '--cpu-work-ms': { key: 'cpuWorkMs', env: 'CHAT_CPU_WORK_MS', kind: 'number', min: 0, max: LIMITS.cpuWorkMs },
  '--leak-bytes': { key: 'leakBytes', env: 'CHAT_LEAK_BYTES', kind: 'int', min: 0, max: LIMITS.leakBytes },
  '--latency-ms': { key: 'latencyMs', env: 'CHAT_LATENCY_MS', kind: 'number', min: 0, max: LIMITS.latencyMs },
  '--leak-limit-bytes': { key: 'leakLimitBytes', env: 'CHAT_LEAK_LIMIT_BYTES', kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER },
  '--allow-remote': { key: 'allowRemote', env: 'CHAT_ALLOW_REMOTE', kind: 'bool' },
  // WEB_CONCURRENCY is the common convention for "how many worker processes"; the
  // monitor's scale action sets it.
  '--workers': { key: 'workers', env: 'WEB_CONCURRENCY', kind: 'int', min: 1, max: 64 },
  '--log-file': { key: 'logFile', env: 'CHAT_LOG_FILE', kind: 'string' },
  // OpenTelemetry: where the OTLP/HTTP exporter sends spans (the monitor's receiver), e.g. http://127.0.0.1:4318.
  '--otlp-endpoint': { key: 'otlpEndpoint', env: 'OTEL_EXPORTER_OTLP_ENDPOINT', kind: 'string' },
};

/**
 * @typedef {object} ServerOptions
 * @property {number} port TCP port; 0 picks a free one.
 * @property {string} host address to bind.
 * @property {number} cpuWorkMs synchronous CPU work per chat message.
 * @property {number} leakBytes bytes kept forever per chat message.
 * @property {number} latencyMs simulated per-message persistence time (serial, so it queues under load).
 * @property {number} leakLimitBytes stop leaking once this many bytes are held.
 * @property {boolean} allowRemote allow a non-loopback host.
 * @property {number} workers worker processes (node:cluster) sharing the port; 1 runs in this process.
 * @property {string} logFile where the pino JSON log lines go: a file path, or "-" for stdout.
 */

/** @returns {ServerOptions} */
function defaultServerOptions() {
  return {
    port: 8080, host: '127.0.0.1', cpuWorkMs: 0, leakBytes: 0, latencyMs: 0,
    leakLimitBytes: DEFAULT_LEAK_LIMIT_BYTES, allowRemote: false, workers: 1, logFile: '-', otlpEndpoint: '',
  };
}

/** True for 127.0.0.0/8, ::1 and localhost. */
function isLoopbackHost(host) {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || h === '::ffff:127.0.0.1' || /^127(\.\d{1,3}){3}$/.test(h);
}

function convert(flag, spec, raw) {
  if (spec.kind === 'string') {
    return raw.trim() === '' ? { error: `${flag} needs a value, for example ${flag} 127.0.0.1.` } : { value: raw.trim() };
  }
  if (spec.kind === 'bool') {
    const v = raw.trim().toLowerCase();
    if (['', '1', 'true', 'yes'].includes(v)) return { value: true };
    if (['0', 'false', 'no'].includes(v)) return { value: false };
    return { error: `${flag} takes true or false, not "${raw}".` };
  }
  const n = Number(raw);
  const whole = spec.kind === 'int';
  if (raw.trim() === '' || !Number.isFinite(n) || (whole && !Number.isInteger(n)) || n < spec.min || n > spec.max) {
    return { error: `${flag} must be a ${whole ? 'whole ' : ''}number from ${spec.min} to ${spec.max}, not "${raw}".` };
  }
  return { value: n };
}

/**
 * Parses flags (`--port 0`, `--port=0`) over environment variables over defaults.
 * @param {string[]} argv arguments after the script name
 * @param {Record<string, string | undefined>} env
 * @returns {{ options?: ServerOptions, error?: string }} error is one sentence
 */
function parseServerOptions(argv, env = {}) {
  const options = defaultServerOptions();
  for (const spec of Object.values(FLAGS)) {
    const raw = env[spec.env];
    if (raw === undefined) continue;
    const r = convert(`${spec.env} (environment)`, spec, raw);
    if (r.error) return { error: r.error };
    options[spec.key] = r.value;
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return { error: usage() };
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = FLAGS[flag];
    if (!spec) return { error: `Unknown option "${arg}"; the options are ${Object.keys(FLAGS).join(', ')}.` };
    let raw;
    if (eq > 0) raw = arg.slice(eq + 1);
    else if (spec.kind === 'bool') raw = 'true';
    else if (i + 1 < argv.length) raw = argv[++i];
    else return { error: `${flag} needs a value.` };
    const r = convert(flag, spec, raw);
    if (r.error) return { error: r.error };
    options[spec.key] = r.value;
  }
  if (!options.allowRemote && !isLoopbackHost(options.host)) {
    return { error: `--host ${options.host} is not a loopback address; use 127.0.0.1, or add --allow-remote if you really mean to accept other machines.` };
  }
  return { options };
}

function usage() {
  return 'Usage: node examples/chat-server/server.js [--port 8080] [--host 127.0.0.1] [--cpu-work-ms N] [--leak-bytes N] [--latency-ms N] [--leak-limit-bytes N] [--allow-remote] [--workers N (or WEB_CONCURRENCY)] [--log-file FILE|- (JSON lines; default stdout)].';
}

module.exports = { parseServerOptions, defaultServerOptions, isLoopbackHost, LIMITS, DEFAULT_LEAK_LIMIT_BYTES };
