'use strict';
// Example chat server for the monitor to watch: WebSocket rooms over an HTTP
// server that also serves /healthz, /metrics (Prometheus or OpenMetrics) and
// /control (loopback only; switches the fault-injection scenarios at runtime).
//
//   node examples/chat-server/server.js --port 0
//   -> chat-server listening on http://127.0.0.1:PORT (pid PID)

const cluster = require('node:cluster');
const http = require('node:http');
const { WebSocketServer } = require('ws');
const { createChatMetrics } = require('./chatMetrics');
const { createChatRooms } = require('./chatRooms');
const { createLogger } = require('./logger');
const { createFaultInjection, parseControl } = require('./faultInjection');
const { parseServerOptions, defaultServerOptions, isLoopbackHost } = require('./serverOptions');
const { startTracing, moderate } = require('./tracing');

const MAX_MESSAGE_BYTES = 64 * 1024;
/**
 * The line of tracedChat, for the spans' code.lineno (spans open the source at it):
 * the line that starts with the declaration (this line names it too, but not at its start).
 */
const TRACED_CHAT_LINE = require('node:fs').readFileSync(__filename, 'utf8').split('\n').findIndex((l) => /^\s*function tracedChat\(/.test(l)) + 1;
const MAX_TEXT_CHARS = 4000;
const MAX_CONTROL_BODY_BYTES = 4096;
/** Clients get this long to answer the close handshake before being cut off. */
const CLOSE_GRACE_MS = 1000;

/**
 * @typedef {object} RunningChatServer
 * @property {number} port the bound port (useful with port 0)
 * @property {string} url e.g. http://127.0.0.1:PORT
 * @property {number} pid
 * @property {() => Promise<void>} close closes sockets and the listener
 */

/**
 * Starts a chat server in this process.
 * @param {Partial<import('./serverOptions').ServerOptions>} [overrides] options over the defaults
 * @returns {Promise<RunningChatServer>}
 */
async function startChatServer(overrides = {}) {
  const options = { ...defaultServerOptions(), ...overrides };
  const startedAtMs = Date.now();
  const metrics = createChatMetrics();
  const rooms = createChatRooms();
  const faults = createFaultInjection(options);
  const log = overrides.logger ?? createLogger(options.logFile);
  // OpenTelemetry (the SDK's own packages), only when an OTLP endpoint is given.
  const tracing = options.otlpEndpoint ? await startTracing(options.otlpEndpoint) : undefined;

  const httpServer = http.createServer((req, res) => {
    handleHttp(req, res).catch((err) => {
      metrics.error('socket');
      sendJson(res, 500, { error: `Internal error: ${err instanceof Error ? err.message : String(err)}.` });
    });
  });

  async function handleHttp(req, res) {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      sendJson(res, 200, {
        status: 'ok',
        uptimeSeconds: Math.round((Date.now() - startedAtMs) / 100) / 10,
        users: rooms.userCount(),
      });
      return;
    }
    if (req.method === 'GET' && path === '/metrics') {
      const { contentType, body } = await metrics.render(req.headers.accept);
      res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
      res.end(body);
      return;
    }
    if (path === '/control') {
      // WHY: the knobs can burn CPU and memory; only this machine may turn them,
      // even when --allow-remote opens the chat itself to other hosts.
      if (!isLoopbackHost(req.socket.remoteAddress ?? '')) {
        sendJson(res, 403, { error: '/control only accepts requests from this machine (127.0.0.1).' });
        return;
      }
      if (req.method === 'GET') { sendJson(res, 200, faults.snapshot()); return; }
      if (req.method === 'POST') {
        const text = await readBody(req, MAX_CONTROL_BODY_BYTES);
        if (text === undefined) {
          sendJson(res, 413, { error: `The /control body must be under ${MAX_CONTROL_BODY_BYTES} bytes.` });
          return;
        }
        let body;
        try { body = JSON.parse(text); } catch {
          sendJson(res, 400, { error: 'The /control body is not JSON; send e.g. {"cpuWorkMs": 8}.' });
          return;
        }
        const { changes, error } = parseControl(body);
        if (error) { sendJson(res, 400, { error }); return; }
        faults.apply(changes);
        log.info({ control: faults.snapshot() }, 'control changed');
        process.stderr.write(`chat-server: control ${JSON.stringify(faults.snapshot())}\n`);
        sendJson(res, 200, faults.snapshot());
        return;
      }
      sendJson(res, 405, { error: '/control takes GET or POST.' });
      return;
    }
    sendJson(res, 404, { error: `No route ${req.method} ${path}; try /healthz, /metrics or /control.` });
  }

  const wss = new WebSocketServer({ server: httpServer, maxPayload: MAX_MESSAGE_BYTES });

  function updateOccupancy() {
    metrics.setOccupancy(rooms.userCount(), rooms.usersByRoom());
  }

  function reject(ws, kind, message) {
    metrics.error(kind);
    safeSend(ws, { type: 'error', message });
  }

  /** Sends to the room; `onSent` runs once every member's send has been written (or failed). */
  function broadcast(room, payload, receivedAtNs, traceId, onSent) {
    const data = JSON.stringify(payload);
    let pending = 1; // held by this function until every send has been issued
    const done = () => {
      if (--pending !== 0) return;
      metrics.observeLatency(Number(process.hrtime.bigint() - receivedAtNs) / 1e9, traceId);
      onSent?.();
    };
    for (const member of rooms.membersOf(room)) {
      if (member.readyState !== member.OPEN) continue;
      pending++;
      member.send(data, (err) => {
        if (err) metrics.error('send_failed');
        done();
      });
    }
    done();
  }

  function onChat(ws, msg, receivedAtNs) {
    const membership = rooms.membershipOf(ws);
    if (!membership || (msg.room !== undefined && msg.room !== membership.room)) {
      reject(ws, 'not_joined', 'Send {"type":"join","room":...,"user":...} before chatting in a room.');
      return;
    }
    if (typeof msg.text !== 'string' || msg.text.length > MAX_TEXT_CHARS) {
      reject(ws, 'bad_message', `A chat message needs "text", a string of at most ${MAX_TEXT_CHARS} characters.`);
      return;
    }
    if (tracing) {
      tracedChat(ws, msg, membership, receivedAtNs);
      return;
    }
    faults.burnCpu();
    faults.leak();
    const mentions = rooms.mentionsIn(ws, msg.text);
    const payload = {
      type: 'chat', room: membership.room, user: membership.user, text: msg.text,
      ...(mentions.length > 0 ? { mentions } : {}),
      sentAt: typeof msg.sentAt === 'number' ? msg.sentAt : undefined,
    };
    const accepted = faults.persist(() => broadcast(membership.room, { ...payload, serverAt: Date.now() }, receivedAtNs));
    if (accepted) metrics.messageAccepted();
    else reject(ws, 'overloaded', 'The server is overloaded and dropped your message; slow down.');
  }

  /**
   * A chat message with OpenTelemetry: the server span covers the handling; inside it
   * the moderation call (client span) and the SQLite insert (database span, which
   * also holds the wait for the slow store when latencyMs is set).
   */
  function tracedChat(ws, msg, membership, receivedAtNs) {
    const { api, tracer, db } = tracing;
    // Like an HTTP server span, from the request's arrival to its answer written: it starts when the
    // frame reached the handler (before JSON parsing) and ends when the broadcast is on the sockets.
    const startTime = performance.timeOrigin + performance.now() - Number(process.hrtime.bigint() - receivedAtNs) / 1e6;
    tracer.startActiveSpan('chat message', { kind: api.SpanKind.SERVER, startTime, attributes: { 'chat.room': membership.room, 'code.filepath': __filename, 'code.lineno': TRACED_CHAT_LINE, 'code.function': 'tracedChat' } }, async (span) => {
      const fail = (kind, message) => {
        span.setStatus({ code: api.SpanStatusCode.ERROR, message });
        span.end();
        reject(ws, kind, message);
      };
      try {
        faults.burnCpu();
        faults.leak();
        const mentions = rooms.mentionsIn(ws, msg.text);
        if (!(await moderate(tracing, msg.text))) { fail('moderated', 'The moderation service refused your message.'); return; }
        const payload = {
          type: 'chat', room: membership.room, user: membership.user, text: msg.text,
          ...(mentions.length > 0 ? { mentions } : {}),
          sentAt: typeof msg.sentAt === 'number' ? msg.sentAt : undefined,
        };
        const dbSpan = tracer.startSpan('db.query INSERT messages', { kind: api.SpanKind.CLIENT, attributes: { 'db.system': 'sqlite', 'db.operation.name': 'INSERT', 'db.statement': 'INSERT INTO messages (room, user, text, at) VALUES (?, ?, ?, ?)' } });
        const accepted = faults.persist(() => {
          db.insert(membership.room, membership.user, msg.text);
          dbSpan.end();
          broadcast(membership.room, { ...payload, serverAt: Date.now() }, receivedAtNs, span.spanContext().traceId, () => span.end());
        });
        if (accepted) metrics.messageAccepted();
        else {
          dbSpan.setStatus({ code: api.SpanStatusCode.ERROR, message: 'store queue full' });
          dbSpan.end();
          fail('overloaded', 'The server is overloaded and dropped your message; slow down.');
        }
      } catch (err) {
        log.error({ err }, 'chat handler failed');
        span.recordException(err);
        fail('handler', 'The server failed to handle your message.');
      }
    });
  }

  function onMessage(ws, raw) {
    const receivedAtNs = process.hrtime.bigint();
    let msg;
    try { msg = JSON.parse(raw.toString()); } catch {
      reject(ws, 'bad_json', 'Messages must be JSON, e.g. {"type":"chat","room":"lobby","text":"hi"}.');
      return;
    }
    if (msg === null || typeof msg !== 'object') {
      reject(ws, 'bad_message', 'Messages must be JSON objects with a "type" of join, chat or leave.');
      return;
    }
    if (msg.type === 'chat') { onChat(ws, msg, receivedAtNs); return; }
    if (msg.type === 'join') {
      const r = rooms.join(ws, msg.room, msg.user);
      if (!r.ok) { reject(ws, 'bad_message', r.error); return; }
      updateOccupancy();
      safeSend(ws, { type: 'joined', room: msg.room, user: msg.user });
      return;
    }
    if (msg.type === 'leave') {
      const left = rooms.leave(ws);
      updateOccupancy();
      safeSend(ws, { type: 'left', room: left?.room ?? null });
      return;
    }
    reject(ws, 'bad_message', `Unknown message type ${JSON.stringify(msg.type)}; use join, chat or leave.`);
  }

  wss.on('connection', (ws) => {
    metrics.connectionOpened();
    ws.on('message', (raw) => {
      try {
        onMessage(ws, raw);
      } catch (err) {
        // A bug in a handler costs one message, not the server: logged with its stack.
        log.error({ err }, 'chat handler failed');
        reject(ws, 'handler', 'The server failed to handle your message.');
      }
    });
    ws.on('error', () => metrics.error('socket'));
    ws.on('close', () => {
      if (rooms.leave(ws)) updateOccupancy();
    });
  });
  wss.on('error', () => metrics.error('socket'));
  updateOccupancy();

  await new Promise((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;

  let closing;
  let tracingDown;
  function close() {
    closing ??= new Promise((resolve) => {
      faults.close();
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
      const cutOff = setTimeout(() => { for (const ws of wss.clients) ws.terminate(); }, CLOSE_GRACE_MS);
      cutOff.unref();
      wss.close(() => {
        clearTimeout(cutOff);
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
    });
    tracingDown ??= closing.then(() => tracing?.shutdown());
    return tracingDown;
  }

  log.info({ port }, 'chat-server started');
  return { port, url: `http://${hostForUrl}:${port}`, pid: process.pid, close, log };
}

function safeSend(ws, obj) {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(obj));
}

function sendJson(res, status, obj) {
  if (res.headersSent) { res.end(); return; }
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(obj));
}

/** Reads a request body up to maxBytes; undefined when it is larger. */
function readBody(req, maxBytes) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > maxBytes) { resolve(undefined); req.destroy(); return; }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function main() {
  const { options, error } = parseServerOptions(process.argv.slice(2), process.env);
  if (error) {
    process.stderr.write(`chat-server: ${error}\n`);
    process.exitCode = 2;
    return;
  }
  if (options.workers > 1 && cluster.isPrimary) {
    runPrimary(options.workers);
    return;
  }
  let server;
  try {
    server = await startChatServer(options);
  } catch (err) {
    const reason = err && err.code === 'EADDRINUSE'
      ? `port ${options.port} is already in use; pick another with --port, or --port 0 for a free one`
      : (err instanceof Error ? err.message : String(err));
    process.stderr.write(`chat-server: cannot listen on ${options.host}:${options.port}: ${reason}.\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`chat-server listening on ${server.url} (pid ${process.pid})\n`);
  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`chat-server: ${signal}, shutting down\n`);
    // WHY the hard deadline: a client that ignores the close handshake must not keep us past 2 s.
    setTimeout(() => process.exit(0), 1500).unref();
    server.close().then(() => process.exit(0), () => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/**
 * With WEB_CONCURRENCY (or --workers) above 1 this process only forks the workers,
 * which share the listening port through node:cluster, and passes a stop on to them.
 * A worker that dies is not replaced: the supervisor above (the monitor, PM2…) sees
 * the whole server end once every worker is gone, and decides.
 */
function runPrimary(workers) {
  process.stdout.write(`chat-server primary (pid ${process.pid}) starting ${workers} workers\n`);
  for (let i = 0; i < workers; i++) cluster.fork();
  let stopping = false;
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping) process.stderr.write(`chat-server: worker ${worker.process.pid} exited (${signal ?? `code ${code}`})\n`);
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(stopping ? 0 : 1);
  });
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (require.main === module) void main();

module.exports = { startChatServer };
