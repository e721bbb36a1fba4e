'use strict';
// The chat server's Prometheus metrics: prom-client's default process/Node.js
// metrics plus the chat_* business metrics the monitor reads.
//
// WHY two registries with their own metric objects: prom-client 15 renames counter
// objects in place when it renders OpenMetrics (it strips `_total` from
// `metric.name`), so a counter shared between a text-format registry and an
// OpenMetrics registry loses its `_total` suffix in the text format after the first
// OpenMetrics scrape. Keeping one set per format avoids that; every update below is
// applied to both sets.

const client = require('prom-client');

/** Latency buckets from 0.1 ms to 2 s, roughly 1-2.5-5 per decade. */
const LATENCY_BUCKETS_SECONDS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2,
];

/** Error kinds, pre-created at zero so `rate()` has a series from the first scrape. */
const ERROR_KINDS = ['bad_json', 'bad_message', 'not_joined', 'overloaded', 'send_failed', 'socket'];

function createMetricSet(register) {
  client.collectDefaultMetrics({ register });
  const registers = [register];
  const set = {
    register,
    activeUsers: new client.Gauge({
      name: 'chat_active_users',
      help: 'Users currently joined to a room (all rooms).',
      registers,
    }),
    roomUsers: new client.Gauge({
      name: 'chat_room_active_users',
      help: 'Users currently joined, per room (series removed when a room empties).',
      labelNames: ['room'],
      registers,
    }),
    rooms: new client.Gauge({ name: 'chat_rooms', help: 'Rooms with at least one user.', registers }),
    messages: new client.Counter({
      name: 'chat_messages_total',
      help: 'Chat messages received from clients and accepted for broadcast.',
      registers,
    }),
    latency: new client.Histogram({
      name: 'chat_message_latency_seconds',
      help: 'Time from receiving a chat message to its broadcast being written to every room member.',
      buckets: LATENCY_BUCKETS_SECONDS,
      // OpenMetrics only: each bucket names the trace of its latest message (the text format has no exemplars).
      enableExemplars: register.contentType === client.Registry.OPENMETRICS_CONTENT_TYPE,
      registers,
    }),
    errors: new client.Counter({
      name: 'chat_errors_total',
      help: 'Errors by kind: bad_json, bad_message, not_joined, overloaded, send_failed, socket.',
      labelNames: ['kind'],
      registers,
    }),
    connections: new client.Counter({
      name: 'chat_connections_total',
      help: 'WebSocket connections accepted since start.',
      registers,
    }),
  };
  for (const kind of ERROR_KINDS) set.errors.inc({ kind }, 0);
  return set;
}

/**
 * Creates the metrics of one chat server. Each call makes fresh registries, so
 * several servers can live in one process (tests).
 * @returns {ChatMetrics}
 */
function createChatMetrics() {
  const text = createMetricSet(new client.Registry(client.Registry.PROMETHEUS_CONTENT_TYPE));
  const open = createMetricSet(new client.Registry(client.Registry.OPENMETRICS_CONTENT_TYPE));
  const sets = [text, open];
  const each = (fn) => { for (const s of sets) fn(s); };

  return {
    /** @param {number} users total joined users  @param {Map<string, number>} usersByRoom */
    setOccupancy(users, usersByRoom) {
      each((s) => {
        s.activeUsers.set(users);
        s.rooms.set(usersByRoom.size);
        s.roomUsers.reset();
        for (const [room, n] of usersByRoom) s.roomUsers.set({ room }, n);
      });
    },
    connectionOpened() { each((s) => s.connections.inc()); },
    messageAccepted() { each((s) => s.messages.inc()); },
    /**
     * @param {number} seconds receive-to-broadcast-done time
     * @param {string} [traceId] the message's trace (when traced): the OpenMetrics bucket's exemplar
     */
    observeLatency(seconds, traceId) {
      text.latency.observe(seconds);
      open.latency.observe({ value: seconds, exemplarLabels: traceId ? { trace_id: traceId } : {} });
    },
    /** @param {string} kind one of ERROR_KINDS */
    error(kind) { each((s) => s.errors.inc({ kind })); },
    /**
     * Renders the metrics in the format the Accept header asks for.
     * @param {string | undefined} accept the request's Accept header
     * @returns {Promise<{contentType: string, body: string}>}
     */
    async render(accept) {
      const set = wantsOpenMetrics(accept) ? open : text;
      return { contentType: set.register.contentType, body: await set.register.metrics() };
    },
  };
}

/**
 * True when the Accept header lists application/openmetrics-text with a non-zero
 * quality. Prometheus sends it first when it can parse OpenMetrics.
 * @param {string | undefined} accept
 */
function wantsOpenMetrics(accept) {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (type !== 'application/openmetrics-text') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

module.exports = { createChatMetrics, wantsOpenMetrics, LATENCY_BUCKETS_SECONDS, ERROR_KINDS };
