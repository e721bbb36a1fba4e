'use strict';
// The knobs that turn the healthy chat server into a sick one, so the monitor has
// something real to see: CPU burn, a memory leak, and a slow serial "store" that
// makes latency climb with load. Changed at runtime through POST /control.

const { LIMITS } = require('./serverOptions');

/** Messages waiting for the slow store beyond this are rejected as overloaded. */
const MAX_QUEUED_MESSAGES = 10_000;

/**
 * Validates a POST /control body. Every field is optional.
 * @param {unknown} body parsed JSON
 * @returns {{ changes?: {cpuWorkMs?: number, leakBytes?: number, latencyMs?: number, freeLeaked?: boolean}, error?: string }}
 */
function parseControl(body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { error: 'The /control body must be a JSON object such as {"cpuWorkMs": 8, "leakBytes": 0, "latencyMs": 0}.' };
  }
  const changes = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'freeLeaked') {
      if (typeof value !== 'boolean') return { error: '"freeLeaked" must be true or false.' };
      changes.freeLeaked = value;
      continue;
    }
    const max = LIMITS[key];
    if (max === undefined) {
      return { error: `Unknown /control field "${key}"; the fields are cpuWorkMs, leakBytes, latencyMs and freeLeaked.` };
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) {
      return { error: `"${key}" must be a number from 0 to ${max}, not ${JSON.stringify(value)}.` };
    }
    changes[key] = key === 'leakBytes' ? Math.floor(value) : value;
  }
  return { changes };
}

/**
 * Holds the current fault settings and applies them to each message.
 * @param {{cpuWorkMs: number, leakBytes: number, latencyMs: number, leakLimitBytes: number}} initial
 */
function createFaultInjection(initial) {
  const settings = { cpuWorkMs: initial.cpuWorkMs, leakBytes: initial.leakBytes, latencyMs: initial.latencyMs };
  const leakLimitBytes = initial.leakLimitBytes;
  /** Never freed (until freeLeaked): that is the point of the leak scenario. */
  let leaked = [];
  let leakedBytes = 0;
  let burnSink = 0;
  /** Arithmetic steps between two reads of the CPU clock in burnCpu (grows to fit this machine). */
  let burnSteps = 1000;

  /** The slow store serves one message at a time, like a single database connection. */
  const queue = [];
  let storeBusy = false;
  let closed = false;
  let timer;

  function serveNext() {
    const job = queue.shift();
    if (!job || closed) { storeBusy = false; return; }
    storeBusy = true;
    timer = setTimeout(() => { job(); serveNext(); }, settings.latencyMs);
  }

  return {
    /** Current settings plus what is held, for GET/POST /control responses. */
    snapshot() {
      return { ...settings, leakedBytes, queuedMessages: queue.length };
    },
    /** @param {{cpuWorkMs?: number, leakBytes?: number, latencyMs?: number, freeLeaked?: boolean}} changes */
    apply(changes) {
      for (const key of ['cpuWorkMs', 'leakBytes', 'latencyMs']) {
        if (changes[key] !== undefined) settings[key] = changes[key];
      }
      if (changes.freeLeaked) { leaked = []; leakedBytes = 0; }
    },
    /**
     * Synchronous work on the event loop, as a CPU-heavy handler would do.
     * WHY CPU time, not wall time: on a busy machine a wall-clock loop is
     * descheduled and burns less than asked; a real handler's work does not shrink.
     */
    burnCpu() {
      if (settings.cpuWorkMs <= 0) return;
      const start = process.cpuUsage();
      const budgetMicros = settings.cpuWorkMs * 1000;
      let x = burnSink;
      for (;;) {
        const used = process.cpuUsage(start);
        if (used.user + used.system >= budgetMicros) break;
        // WHY chunks sized by time: reading the CPU clock (getrusage) costs ~10 µs
        // here, while 1000 steps of optimised arithmetic take ~2 µs; checking after
        // every 1000 made the clock, not this work, 70% of the burn in a CPU profile.
        // A chunk is sized to take 0.1–0.4 ms of wall time (hrtime is fine-grained;
        // the CPU clock may tick in milliseconds), so the clock stays a few percent
        // and the overshoot a fraction of a millisecond.
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < burnSteps; i++) x = (x * 1103515245 + 12345) % 2147483648;
        const chunkNs = Number(process.hrtime.bigint() - t0);
        if (chunkNs < 100_000 && burnSteps < 10_000_000) burnSteps *= 2;
        else if (chunkNs > 400_000 && burnSteps > 1000) burnSteps = Math.floor(burnSteps / 2);
      }
      burnSink = x; // keeps the loop from being optimised away
    },
    /** Keeps leakBytes of fresh heap strings per message, until the cap. */
    leak() {
      const n = settings.leakBytes;
      if (n <= 0 || leakedBytes + n > leakLimitBytes) return;
      // A flat one-byte string on the V8 heap, so RSS and heap-used both grow, as in a real JS leak.
      leaked.push(Buffer.alloc(n, leaked.length % 251).toString('latin1'));
      leakedBytes += n;
    },
    /**
     * Runs `then` after the slow store has handled the message; immediately when
     * latencyMs is 0. Returns false (and does not run it) when the queue is full.
     * @param {() => void} then
     */
    persist(then) {
      if (settings.latencyMs <= 0 && !storeBusy) { then(); return true; }
      if (queue.length >= MAX_QUEUED_MESSAGES) return false;
      queue.push(then);
      if (!storeBusy) serveNext();
      return true;
    },
    /** Drops queued work so shutdown is not held up by the slow store. */
    close() {
      closed = true;
      clearTimeout(timer);
      queue.length = 0;
    },
  };
}

module.exports = { createFaultInjection, parseControl, MAX_QUEUED_MESSAGES };
