/**
 * An OTLP/HTTP receiver on loopback (what an OpenTelemetry SDK's OTLP exporter sends
 * to, `http://localhost:4318` by default): POST /v1/traces and /v1/logs, protobuf
 * (`application/x-protobuf`) or JSON (`application/json`), gzip or not. Answers as
 * the OTLP specification says: 200 with the export response (a partial success
 * names the spans it rejected), 400 for a body that is not an export request, 413
 * over the size limit, 415 for another media type, 503 with Retry-After under
 * back-pressure (too many bytes in flight, or more spans per second than the budget)
 * — the SDK then retries later instead of losing the spans.
 *
 * Only this machine can send: it listens on 127.0.0.1 (and ::1 when there is one),
 * and refuses a Host header that is not a loopback name (a web page that rebinds a
 * DNS name to 127.0.0.1 cannot post spans). Browsers cannot post either: both media
 * types need a CORS preflight, which is never answered.
 */
import * as l10n from '@vscode/l10n';
import http from 'node:http';
import zlib from 'node:zlib';
import { Clock } from '../clock';
import { Disposable, Emitter, Event } from '../events';
import { decodeLogs, decodeTraces, encodeExportResponse, encodeStatus, OtlpBodyError, OtlpEncoding, OtlpLogRecord } from './otlpDecode';
import { SpanRecord } from './span';

export const OTLP_DEFAULT_PORT = 4318;

export interface OtlpReceiverOptions {
  readonly port: number;
  readonly clock: Clock;
  /** Body size limit, compressed and uncompressed (default 8 MiB). */
  readonly maxBodyBytes?: number;
  /** Request bytes being read at once before 503 (default 32 MiB). */
  readonly maxInFlightBytes?: number;
  /** Spans accepted per second before 503 (default 250,000; a token bucket of one second). */
  readonly maxSpansPerSecond?: number;
  /** Where spans go; returns how many it took (the rest count as rejected). */
  readonly onSpans: (spans: SpanRecord[], receivedMs: number) => { accepted: number; dropped: number };
  readonly onLogs?: (records: OtlpLogRecord[], receivedMs: number) => void;
  /** The setting a taken port's sentence tells the user to change (without it: "set another OTLP port"). */
  readonly portSetting?: string;
}

export interface ReceiverNote {
  readonly kind: 'listening' | 'error';
  readonly message: string;
}

/** Counters for the report and the bench. */
export interface ReceiverCounters {
  requests: number;
  spans: number;
  logRecords: number;
  rejectedSpans: number;
  /** Answers by HTTP status. */
  readonly statuses: Record<number, number>;
}

const LOOPBACK_HOST = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d+)?$/i;

export class OtlpReceiver implements Disposable {
  private readonly servers: http.Server[] = [];
  private inFlight = 0;
  private tokens: number;
  private tokensAtMs: number;
  private readonly noteEmitter = new Emitter<ReceiverNote>();
  readonly onNote: Event<ReceiverNote> = this.noteEmitter.event;
  readonly counters: ReceiverCounters = { requests: 0, spans: 0, logRecords: 0, rejectedSpans: 0, statuses: {} };
  private boundPort: number | undefined;
  private disposed = false;

  constructor(private readonly options: OtlpReceiverOptions) {
    this.tokens = this.spansPerSecond;
    this.tokensAtMs = options.clock.now();
  }

  private get maxBody(): number {
    return this.options.maxBodyBytes ?? 8 * 1024 * 1024;
  }

  private get spansPerSecond(): number {
    return this.options.maxSpansPerSecond ?? 250_000;
  }

  /** The port it listens on (after start; the real one when 0 was asked). */
  get port(): number | undefined {
    return this.boundPort;
  }

  /**
   * Listens on 127.0.0.1 (required) and ::1 (when the machine has IPv6). Resolves with
   * the port, or rejects with a sentence (the port is taken, …).
   */
  async start(): Promise<number> {
    const first = await this.listenOn('127.0.0.1', this.options.port);
    this.boundPort = first;
    try {
      await this.listenOn('::1', first);
    } catch {
      // No IPv6 loopback, or ::1 taken by another program: 127.0.0.1 serves.
    }
    this.noteEmitter.fire({ kind: 'listening', message: l10n.t('Receiving OpenTelemetry spans and logs (OTLP/HTTP) on {0} (/v1/traces, /v1/logs).', `http://127.0.0.1:${first}`) });
    return first;
  }

  private listenOn(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = http.createServer((req, res) => this.handle(req, res));
      server.keepAliveTimeout = 10_000;
      server.once('error', (err: NodeJS.ErrnoException) => {
        server.close();
        const message =
          err.code !== 'EADDRINUSE'
            ? l10n.t('Could not listen for OTLP on {0}:{1}: {2}.', host, String(port), err.message)
            : this.options.portSetting !== undefined
              ? l10n.t('Port {0} on {1} is already taken (an OpenTelemetry Collector or another monitor?): set {2} to another port, or stop that program.', String(port), host, this.options.portSetting)
              : l10n.t('Port {0} on {1} is already taken (an OpenTelemetry Collector or another monitor?): set another OTLP port, or stop that program.', String(port), host);
        if (host === '127.0.0.1') this.noteEmitter.fire({ kind: 'error', message });
        reject(new Error(message));
      });
      server.listen({ host, port, exclusive: true }, () => {
        if (this.disposed) {
          server.close();
          reject(new Error('The receiver was stopped while it started.'));
          return;
        }
        this.servers.push(server);
        server.unref();
        resolve((server.address() as { port: number }).port);
      });
    });
  }

  dispose(): void {
    this.disposed = true;
    for (const s of this.servers) {
      s.close();
      s.closeAllConnections?.();
    }
    this.servers.length = 0;
    this.noteEmitter.dispose();
  }

  private answer(res: http.ServerResponse, status: number, body?: { body: Buffer; contentType: string }, headers: Record<string, string> = {}): void {
    this.counters.statuses[status] = (this.counters.statuses[status] ?? 0) + 1;
    res.writeHead(status, { ...(body ? { 'Content-Type': body.contentType, 'Content-Length': String(body.body.length) } : { 'Content-Length': '0' }), ...headers });
    res.end(body?.body);
  }

  private fail(res: http.ServerResponse, status: number, encoding: OtlpEncoding, message: string, headers: Record<string, string> = {}): void {
    // google.rpc.Code: 3 INVALID_ARGUMENT, 8 RESOURCE_EXHAUSTED, 14 UNAVAILABLE, 12 UNIMPLEMENTED, 5 NOT_FOUND, 7 PERMISSION_DENIED
    const code = status === 400 || status === 413 || status === 415 ? 3 : status === 503 ? 14 : status === 404 ? 5 : status === 403 ? 7 : 12;
    this.answer(res, status, encodeStatus(encoding, code, message), headers);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.counters.requests++;
    const path = (req.url ?? '/').split('?')[0];
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const encoding: OtlpEncoding = contentType === 'application/json' ? 'json' : 'protobuf';
    const discard = () => {
      req.resume();
    };
    if (!LOOPBACK_HOST.test(req.headers.host ?? '')) {
      discard();
      this.fail(res, 403, encoding, 'Only this machine may send spans here (the Host header must be localhost or a loopback address).');
      return;
    }
    const signal = path === '/v1/traces' ? 'traces' : path === '/v1/logs' ? 'logs' : undefined;
    if (!signal) {
      discard();
      this.fail(res, 404, encoding, `No OTLP endpoint ${path}; send traces to /v1/traces and logs to /v1/logs (metrics are read from /metrics by scraping).`);
      return;
    }
    if (req.method !== 'POST') {
      discard();
      this.fail(res, 405, encoding, `${path} takes POST.`, { Allow: 'POST' });
      return;
    }
    if (contentType !== 'application/json' && contentType !== 'application/x-protobuf') {
      discard();
      this.fail(res, 415, encoding, `Send application/x-protobuf or application/json, not "${contentType || 'no content type'}".`);
      return;
    }
    const enc = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (enc !== 'identity' && enc !== 'gzip') {
      discard();
      this.fail(res, 415, encoding, `Content-Encoding ${enc} is not supported; send gzip or none.`);
      return;
    }
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (declared > this.maxBody) {
      this.tooLarge(req, res, encoding);
      return;
    }
    const expected = Number.isFinite(declared) ? declared : 64 * 1024;
    if (this.inFlight + expected > (this.options.maxInFlightBytes ?? 32 * 1024 * 1024)) {
      discard();
      this.fail(res, 503, encoding, 'The monitor is busy reading other exports; retry shortly.', { 'Retry-After': '1' });
      return;
    }
    this.inFlight += expected;
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const release = () => {
      if (!done) {
        done = true;
        this.inFlight -= expected;
      }
    };
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > this.maxBody) {
        release();
        this.tooLarge(req, res, encoding);
        return;
      }
      chunks.push(c);
    });
    req.on('error', release);
    req.on('close', release);
    req.on('end', () => {
      if (done) return;
      release();
      let body: Buffer = Buffer.concat(chunks, size);
      if (enc === 'gzip') {
        try {
          body = zlib.gunzipSync(body, { maxOutputLength: this.maxBody });
        } catch (e) {
          const over = e instanceof RangeError || (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
          if (over) this.fail(res, 413, encoding, `The uncompressed body is over ${this.maxBody} bytes; export smaller batches.`);
          else this.fail(res, 400, encoding, 'The gzip body could not be uncompressed.');
          return;
        }
      }
      this.process(signal, body, encoding, res);
    });
  }

  private tooLarge(req: http.IncomingMessage, res: http.ServerResponse, encoding: OtlpEncoding): void {
    this.fail(res, 413, encoding, `The body is over ${this.maxBody} bytes; export smaller batches (the SDK's maxExportBatchSize).`, { Connection: 'close' });
    req.unpipe();
    req.resume();
  }

  private takeTokens(n: number): boolean {
    const now = this.options.clock.now();
    const rate = this.spansPerSecond;
    this.tokens = Math.min(rate, this.tokens + ((now - this.tokensAtMs) / 1000) * rate);
    this.tokensAtMs = now;
    if (n > this.tokens && this.tokens < rate) return false; // a batch bigger than the bucket passes when it is full
    this.tokens -= n;
    return true;
  }

  private process(signal: 'traces' | 'logs', body: Buffer, encoding: OtlpEncoding, res: http.ServerResponse): void {
    const now = this.options.clock.now();
    try {
      if (signal === 'traces') {
        const d = decodeTraces(body, encoding);
        if (!this.takeTokens(d.spans.length)) {
          this.fail(res, 503, encoding, `More than ${this.spansPerSecond} spans per second; retry shortly (or sample).`, { 'Retry-After': '1' });
          return;
        }
        const r = d.spans.length > 0 ? this.options.onSpans(d.spans, now) : { accepted: 0, dropped: 0 };
        const rejected = d.rejected;
        this.counters.spans += r.accepted;
        this.counters.rejectedSpans += rejected;
        // Duplicates of spans already kept (an SDK retry) are not rejections: the data is here.
        this.answer(res, 200, encodeExportResponse('traces', encoding, rejected, rejected > 0 ? `${rejected} span${rejected === 1 ? '' : 's'} rejected: ${d.rejectReason}.` : undefined));
      } else {
        const d = decodeLogs(body, encoding, now);
        this.counters.logRecords += d.records.length;
        if (d.records.length > 0) this.options.onLogs?.(d.records, now);
        this.answer(res, 200, encodeExportResponse('logs', encoding, d.rejected, undefined));
      }
    } catch (e) {
      if (e instanceof OtlpBodyError) {
        this.fail(res, 400, encoding, `Not an OTLP ${signal} export request: ${e.message}.`);
        return;
      }
      this.fail(res, 500, encoding, `The monitor failed to read the export: ${e instanceof Error ? e.message : String(e)}.`);
    }
  }
}
