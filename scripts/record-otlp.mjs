// Records the bodies the real OpenTelemetry JS SDK exporters send (OTLP/HTTP, protobuf
// and JSON, traces and logs) into test/unit/traces/fixtures/, for the unit tests to
// replay. The SDK comes from the example chat server's own dependencies:
//   npm ci --prefix examples/chat-server && node scripts/record-otlp.mjs
// The spans have fixed times, so their durations are known to the nanosecond.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'test/unit/traces/fixtures');
const require = createRequire(path.join(root, 'examples/chat-server/package.json'));
const api = require('@opentelemetry/api');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { BatchSpanProcessor, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { OTLPTraceExporter: ProtoTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { OTLPTraceExporter: JsonTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { LoggerProvider, SimpleLogRecordProcessor } = require('@opentelemetry/sdk-logs');
const { OTLPLogExporter: ProtoLogExporter } = require('@opentelemetry/exporter-logs-otlp-proto');
const { OTLPLogExporter: JsonLogExporter } = require('@opentelemetry/exporter-logs-otlp-http');

/** Base time of the recorded spans: 2026-01-01T00:00:00Z, as [seconds, nanoseconds]. */
const BASE_S = 1767225600;
const at = (ms) => [BASE_S + Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

const bodies = [];
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    bodies.push({ path: req.url, type: req.headers['content-type'], body: Buffer.concat(chunks) });
    const json = String(req.headers['content-type']).includes('json');
    res.writeHead(200, { 'Content-Type': json ? 'application/json' : 'application/x-protobuf' });
    res.end(json ? '{}' : '');
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

async function recordTraces(exporter, batch = false) {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'chat-server', 'service.version': '1.0.0' }),
    spanProcessors: [batch ? new BatchSpanProcessor(exporter) : new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('record-otlp', '1.0.0');
  const { SpanKind, SpanStatusCode, trace, context } = api;
  // Trace 1: a chat message — server span 0..100 ms; handling 5..95; the database insert
  // 10..80 (71 % of the request); the moderation call 82..92 ms.
  const server = tracer.startSpan('POST /messages', { kind: SpanKind.SERVER, startTime: at(0), attributes: { 'http.request.method': 'POST', 'http.route': '/messages', 'url.path': '/messages' } });
  const sctx = trace.setSpan(context.active(), server);
  const handle = tracer.startSpan('chat.handle', { kind: SpanKind.INTERNAL, startTime: at(5), attributes: { 'code.filepath': 'examples/chat-server/server.js', 'code.lineno': 141, 'code.function': 'onChat' } }, sctx);
  const hctx = trace.setSpan(sctx, handle);
  const db = tracer.startSpan('db.query INSERT messages', { kind: SpanKind.CLIENT, startTime: at(10), attributes: { 'db.system': 'sqlite', 'db.statement': 'INSERT INTO messages (room, user, text) VALUES (?, ?, ?)', 'db.operation': 'INSERT' } }, hctx);
  db.end(at(80));
  const call = tracer.startSpan('POST', { kind: SpanKind.CLIENT, startTime: at(82), attributes: { 'http.request.method': 'POST', 'url.full': 'http://127.0.0.1:9/moderate', 'server.address': '127.0.0.1' } }, hctx);
  call.end(at(92));
  handle.end(at(95));
  server.end(at(100));
  // Trace 2: an error, with a hostile name (shown inert on every surface).
  const boom = tracer.startSpan('GET /boom\u202E[x](command:evil)', { kind: SpanKind.SERVER, startTime: at(200), attributes: { 'http.request.method': 'GET', 'http.response.status_code': 500 } });
  boom.setStatus({ code: SpanStatusCode.ERROR, message: 'database is locked' });
  boom.end(at(220.5));
  await provider.forceFlush();
  await provider.shutdown();
}

async function recordLogs(exporter) {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'chat-server' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('record-otlp');
  logger.emit({ timestamp: at(300), severityNumber: 9, severityText: 'INFO', body: 'user joined lobby', attributes: { room: 'lobby' } });
  logger.emit({
    timestamp: at(310),
    severityNumber: 17,
    severityText: 'ERROR',
    body: 'chat handler failed',
    attributes: { 'exception.type': 'TypeError', 'exception.message': "Cannot read properties of undefined (reading 'name')", 'exception.stacktrace': "TypeError: Cannot read properties of undefined (reading 'name')\n    at mentionsIn (/app/chatRooms.js:67:20)\n    at onChat (/app/server.js:141:5)" },
  });
  await provider.forceFlush();
  await provider.shutdown();
}

await recordTraces(new ProtoTraceExporter({ url: `${base}/v1/traces` }));
await recordTraces(new JsonTraceExporter({ url: `${base}/v1/traces` }));
// One body with every span of both traces, as the BatchSpanProcessor (the usual setup) sends them.
await recordTraces(new ProtoTraceExporter({ url: `${base}/v1/traces` }), true);
await recordTraces(new JsonTraceExporter({ url: `${base}/v1/traces` }), true);
await recordLogs(new ProtoLogExporter({ url: `${base}/v1/logs` }));
await recordLogs(new JsonLogExporter({ url: `${base}/v1/logs` }));
server.close();

fs.mkdirSync(out, { recursive: true });
const sdkVersion = require('@opentelemetry/sdk-trace-base/package.json').version;
const manifest = [];
for (const [i, b] of bodies.entries()) {
  const ext = b.type.includes('json') ? 'json' : 'pb';
  const name = `sdk-${b.path.includes('logs') ? 'logs' : 'traces'}-${i}.${ext}`;
  fs.writeFileSync(path.join(out, name), b.body);
  manifest.push({ file: name, path: b.path, contentType: b.type, bytes: b.body.length });
}
fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({ sdk: `@opentelemetry/sdk-trace-base ${sdkVersion}`, baseEpochS: BASE_S, bodies: manifest }, null, 2) + '\n');
console.log(`record-otlp: ${bodies.length} bodies from the SDK (${sdkVersion}) written to ${path.relative(root, out)}`);
