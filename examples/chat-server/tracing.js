'use strict';
// OpenTelemetry for the example chat server, with the SDK's own packages: a chat
// message is a trace of the WebSocket message handling (server span), the SQLite
// insert of the message (database span, through sql.js) and the call to a second
// small local service, the moderation check (HTTP client span; the service makes its
// own server span, as service "moderation", under the same trace).
// Turned on by --otlp-endpoint URL (or OTEL_EXPORTER_OTLP_ENDPOINT): spans go there
// over OTLP/HTTP protobuf — the monitor's receiver. Without it nothing is loaded.

const http = require('node:http');

/**
 * @param {string} endpoint e.g. http://127.0.0.1:4318
 * @returns {Promise<{ api: any, tracer: any, moderation: { url: string, close(): Promise<void> }, db: { insert(room: string, user: string, text: string): void, close(): void }, shutdown(): Promise<void> }>}
 */
async function startTracing(endpoint) {
  // The API package the SDK itself uses: another @opentelemetry/api found first on the
  // way up from a copy of this file (a newer one in a parent node_modules) refuses the
  // SDK's globals, so context would not propagate and the moderation call would start
  // a trace of its own.
  const sdkDir = require('node:path').dirname(require.resolve('@opentelemetry/sdk-trace-node'));
  const api = require(require.resolve('@opentelemetry/api', { paths: [sdkDir] }));
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
  const { resourceFromAttributes } = require('@opentelemetry/resources');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
  const url = `${endpoint.replace(/\/+$/, '')}/v1/traces`;
  const processor = () => new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 500, maxExportBatchSize: 512, maxQueueSize: 8192 });
  const provider = new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'chat-server' }), spanProcessors: [processor()] });
  provider.register(); // AsyncLocalStorage context + W3C trace context propagation
  const tracer = provider.getTracer('chat-server', '1.0.0');
  // The moderation service has its own resource (another service in the same trace).
  const modProvider = new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'moderation' }), spanProcessors: [processor()] });
  const modTracer = modProvider.getTracer('moderation', '1.0.0');
  const moderation = await startModeration(api, modTracer);
  const db = await openDatabase();
  return {
    api,
    tracer,
    moderation,
    db,
    async shutdown() {
      await moderation.close();
      db.close();
      await Promise.allSettled([provider.shutdown(), modProvider.shutdown()]);
    },
  };
}

/** A second small local service on loopback: POST /moderate {text} → {ok}. */
function startModeration(api, tracer) {
  const server = http.createServer((req, res) => {
    const ctx = api.propagation.extract(api.ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan('POST /moderate', { kind: api.SpanKind.SERVER, attributes: { 'http.request.method': 'POST', 'http.route': '/moderate' } }, ctx);
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const ok = !/\bforbidden\b/i.test(text);
      span.setAttribute('http.response.status_code', 200);
      span.end();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ ok }));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${server.address().port}/moderate`;
      resolve({ url, close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }) });
    });
  });
}

/** SQLite in memory through sql.js (SQLite compiled to WebAssembly: no native build). */
async function openDatabase() {
  const initSqlJs = require('sql.js');
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run('CREATE TABLE messages (id INTEGER PRIMARY KEY, room TEXT, user TEXT, text TEXT, at INTEGER)');
  const insert = db.prepare('INSERT INTO messages (room, user, text, at) VALUES (?, ?, ?, ?)');
  let rows = 0;
  return {
    insert(room, user, text) {
      insert.run([room, user, text, Date.now()]);
      // Keep the example's memory flat: the table holds the last 10,000 messages.
      if (++rows % 10_000 === 0) db.run('DELETE FROM messages WHERE id <= (SELECT MAX(id) - 10000 FROM messages)');
    },
    close() {
      insert.free();
      db.close();
    },
  };
}

/** POST the text to the moderation service inside a client span; resolves true when allowed. */
function moderate(t, text) {
  const { api, tracer, moderation } = t;
  return tracer.startActiveSpan('POST', { kind: api.SpanKind.CLIENT, attributes: { 'http.request.method': 'POST', 'url.full': moderation.url, 'server.address': '127.0.0.1', 'peer.service': 'moderation' } }, (span) =>
    new Promise((resolve) => {
      const headers = { 'Content-Type': 'text/plain' };
      api.propagation.inject(api.context.active(), headers);
      const req = http.request(moderation.url, { method: 'POST', headers }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          span.setAttribute('http.response.status_code', res.statusCode ?? 0);
          span.end();
          try { resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')).ok !== false); } catch { resolve(true); }
        });
      });
      req.on('error', (err) => {
        span.recordException(err);
        span.setStatus({ code: api.SpanStatusCode.ERROR, message: err.message });
        span.end();
        resolve(true); // moderation down: let the message through
      });
      req.end(text);
    }));
}

module.exports = { startTracing, moderate };
