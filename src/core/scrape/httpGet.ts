/**
 * The scraper's HTTP GET, behind one small interface so the scraper's rules (status,
 * content type, body limit, no redirects, one sentence per failure) are written once.
 *
 * Why node:http and not fetch: a scrape runs every tick in the extension host, and
 * fetch (undici) costs about 1 ms of CPU per request here — a WHATWG stream, a
 * Headers object, an abort listener chain — against ~0.4 ms for node:http on a
 * kept-alive loopback connection. `fetchGetter` stays for callers that inject fetch.
 */
import * as l10n from '@vscode/l10n';
import * as http from 'node:http';
import * as https from 'node:https';

/** An answer whose body has not been read yet. */
export interface HttpAnswer {
  readonly status: number;
  readonly statusText: string;
  /** A response header (name in lowercase), or undefined. */
  header(name: string): string | undefined;
  /**
   * Reads the body up to `maxBytes`; `cut` when there was more (the rest is dropped
   * and the connection closed). Rejects when the connection fails or is aborted.
   * The bytes may be a view of a buffer the getter reuses: read them before its next get.
   */
  readBody(maxBytes: number): Promise<{ readonly bytes: Buffer; readonly cut: boolean }>;
  /** Drops the body unread. */
  discard(): void;
}

/**
 * Lets the caller's timer stop a request, headers or body. A plain object rather than
 * an AbortSignal: node:http wires a signal into the request and the socket with
 * listeners and an abort error per request, a measurable share of a loopback scrape.
 */
export class Cancellation {
  private cancelled = false;
  private handler: (() => void) | undefined;

  get isCancelled(): boolean {
    return this.cancelled;
  }

  /** Stops the request it was given to (at once if one is set, else as soon as one is). */
  cancel(): void {
    if (!this.cancelled) {
      this.cancelled = true;
      this.handler?.();
    }
  }

  /** Called by the getter: `handler` stops its request. */
  onCancel(handler: () => void): void {
    this.handler = handler;
    if (this.cancelled) {
      handler();
    }
  }
}

export interface HttpGetter {
  /** Sends a GET; never follows a redirect. Rejects with the transport's error (with its `code`). */
  get(url: URL, headers: Readonly<Record<string, string>>, cancellation: Cancellation): Promise<HttpAnswer>;
  /** Closes kept-alive connections. */
  dispose(): void;
}

/** Idle connections are closed after this long (longer than a tick, so one is reused tick after tick). */
export const IDLE_CONNECTION_MS = 15_000;

/**
 * GET over node:http/https with one kept-alive connection per scraper: the scrape of
 * the next tick reuses the socket of the last one (no connect, no new socket object).
 */
export class NodeHttpGetter implements HttpGetter {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(idleMs = IDLE_CONNECTION_MS) {
    // One socket: scrapes of one target never overlap (the collector skips a tick instead).
    const opts = { keepAlive: true, maxSockets: 1, maxFreeSockets: 1, timeout: idleMs };
    this.httpAgent = new http.Agent(opts);
    this.httpsAgent = new https.Agent(opts);
  }

  async get(url: URL, headers: Readonly<Record<string, string>>, cancellation: Cancellation): Promise<HttpAnswer> {
    try {
      return await this.once(url, headers, cancellation);
    } catch (e) {
      // The server may close an idle kept-alive connection just as we reuse it; a
      // request that never reached it is safe to send once more, on a new one.
      if ((e as { reusedSocket?: boolean }).reusedSocket === true && (e as NodeJS.ErrnoException).code === 'ECONNRESET' && !cancellation.isCancelled) {
        return this.once(url, headers, cancellation);
      }
      throw e;
    }
  }

  private once(url: URL, headers: Readonly<Record<string, string>>, cancellation: Cancellation): Promise<HttpAnswer> {
    return new Promise<HttpAnswer>((resolve, reject) => {
      const isHttps = url.protocol === 'https:';
      const req = (isHttps ? https : http).request(url, { method: 'GET', headers, agent: isHttps ? this.httpsAgent : this.httpAgent });
      // Destroying the request also ends a response whose body is still coming.
      cancellation.onCancel(() => req.destroy(Object.assign(new Error('cancelled'), { code: 'ABORT_ERR' })));
      req.once('response', (res) => resolve(new NodeAnswer(res)));
      req.once('error', (e: Error) => {
        (e as { reusedSocket?: boolean }).reusedSocket = req.reusedSocket;
        reject(e);
      });
      req.end();
    });
  }

  dispose(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

class NodeAnswer implements HttpAnswer {
  readonly status: number;
  readonly statusText: string;

  constructor(private readonly res: http.IncomingMessage) {
    this.status = res.statusCode ?? 0;
    this.statusText = res.statusMessage ?? '';
  }

  header(name: string): string | undefined {
    const v = this.res.headers[name];
    return Array.isArray(v) ? v.join(', ') : v;
  }

  readBody(maxBytes: number): Promise<{ bytes: Buffer; cut: boolean }> {
    const res = this.res;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let total = 0;
      const finish = (cut: boolean): void => {
        res.off('data', onData);
        res.off('end', onEnd);
        res.off('error', onError);
        res.off('close', onClose);
        resolve({ bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total), cut });
      };
      const onData = (chunk: Buffer): void => {
        if (total + chunk.length > maxBytes) {
          chunks.push(chunk.subarray(0, maxBytes - total));
          total = maxBytes;
          // The rest is not wanted: closing is cheaper than draining an oversized body.
          res.destroy();
          finish(true);
          return;
        }
        chunks.push(chunk);
        total += chunk.length;
      };
      const onEnd = (): void => finish(false);
      const onError = (e: Error): void => reject(e);
      // 'end' comes before 'close' on a whole body; a close without it is a cut connection.
      const onClose = (): void => reject(Object.assign(new Error(l10n.t('the connection closed before the body ended')), { code: 'ECONNRESET' }));
      res.on('data', onData);
      res.once('end', onEnd);
      res.once('error', onError);
      res.once('close', onClose);
    });
  }

  discard(): void {
    this.res.destroy();
  }
}

/** The same interface over a fetch implementation (tests inject one). */
export function fetchGetter(fetchImpl: typeof fetch): HttpGetter {
  return {
    async get(url, headers, cancellation) {
      const ac = new AbortController();
      cancellation.onCancel(() => ac.abort());
      const res = await fetchImpl(url.href, { headers, signal: ac.signal, redirect: 'manual' });
      return new FetchAnswer(res);
    },
    dispose() {
      // fetch keeps its own pool.
    },
  };
}

class FetchAnswer implements HttpAnswer {
  constructor(private readonly res: Response) {}

  get status(): number {
    return this.res.status;
  }

  get statusText(): string {
    return this.res.statusText;
  }

  header(name: string): string | undefined {
    return this.res.headers.get(name) ?? undefined;
  }

  async readBody(maxBytes: number): Promise<{ bytes: Buffer; cut: boolean }> {
    if (this.res.body === null) {
      return { bytes: Buffer.alloc(0), cut: false };
    }
    const reader = this.res.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        return { bytes: Buffer.concat(chunks, total), cut: false };
      }
      if (total + value.byteLength > maxBytes) {
        chunks.push(value.subarray(0, maxBytes - total));
        await reader.cancel().catch(() => undefined);
        return { bytes: Buffer.concat(chunks, maxBytes), cut: true };
      }
      chunks.push(value);
      total += value.byteLength;
    }
  }

  discard(): void {
    void this.res.body?.cancel().catch(() => undefined);
  }
}

/** The system error code, also where undici wraps it in `cause` and dual-stack connects in `errors`. */
export function errorCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur !== null && typeof cur === 'object' && depth < 5; depth++) {
    const rec = cur as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof rec.code === 'string') {
      return rec.code;
    }
    if (Array.isArray(rec.errors) && rec.errors.length > 0) {
      cur = rec.errors[0];
      continue;
    }
    cur = rec.cause;
  }
  return undefined;
}
