/**
 * HTTP/1.1 GET over one kept-alive TCP socket, the body read into ONE buffer that is
 * reused from scrape to scrape.
 *
 * Why not node:http for http:// (https:// still goes through it): node:http's socket
 * allocates a fresh 64 KiB buffer for every read, the parser a view per body chunk,
 * and the request an IncomingMessage, a ClientRequest and header objects per scrape;
 * the reader then joins the chunks into one more copy. Against a server exposing
 * 100,000 series (a 3.7 MB body) that was about 11 MB of garbage a tick, and the
 * watcher's peak RSS grew by 56 MB from reading bodies alone (issue 11); at 1 Hz on
 * a small body the objects are a measurable share of the tick (issue 20). Here the
 * socket reads into one fixed buffer (net's `onread`), and the body bytes are copied
 * into a buffer that lives as long as the getter: steady state allocates nothing per
 * read.
 *
 * What it reads: a status line, headers, then a body framed by Content-Length, by
 * chunked transfer coding, or by the connection's close (HTTP/1.0 style). 1xx answers
 * are skipped. Redirects are answered like any status (the scraper does not follow
 * them). A connection the server closed while idle is noticed on reuse and the
 * request sent once more on a new one, as node:http's agent users must do by hand.
 */
import * as l10n from '@vscode/l10n';
import * as net from 'node:net';
import { Cancellation, HttpAnswer, HttpGetter, IDLE_CONNECTION_MS, NodeHttpGetter } from './httpGet';

/** Status line and headers may take this much at most (node:http's default limit too). */
const MAX_HEAD_BYTES = 16 * 1024;
const READ_CHUNK_BYTES = 64 * 1024;
/** The body buffer starts here and doubles as bodies need it. */
const INITIAL_BODY_BYTES = 64 * 1024;
/** Above this, a buffer that a body needed less than a quarter of is given back. */
const SHRINK_ABOVE_BYTES = 1024 * 1024;

function httpError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

type Framing = 'length' | 'chunked' | 'close' | 'none';
type ChunkState = 'size' | 'data' | 'dataEnd' | 'trailer';

/** One request and its answer on the socket. */
class Exchange implements HttpAnswer {
  status = 0;
  statusText = '';
  private readonly headers = new Map<string, string>();
  /** Set once the status line and headers are read. */
  headDone = false;
  /** Bytes of the answer seen at all (a reused socket closed before any is safe to retry). */
  sawBytes = false;
  framing: Framing = 'none';
  /** Body bytes still expected ('length'), or left in the current chunk ('chunked'). */
  remaining = 0;
  chunkState: ChunkState = 'size';
  /** The chunk-size or trailer line being read. */
  line = '';
  keepAlive = false;
  bodyLength = 0;
  bodyDone = false;
  cut = false;
  failure: Error | undefined;
  /** The body limit once readBody was called (before that the body is simply kept). */
  limit = Number.POSITIVE_INFINITY;
  /** The connection this exchange is on. */
  socket: net.Socket | undefined;
  private bodyWaiter: { resolve: (r: { bytes: Buffer; cut: boolean }) => void; reject: (e: Error) => void } | undefined;

  constructor(
    private readonly owner: SocketHttpGetter,
    readonly onHead: (e: Exchange) => void,
    readonly onFail: (e: Error) => void,
  ) {}

  header(name: string): string | undefined {
    return this.headers.get(name);
  }

  setHeader(name: string, value: string): void {
    const prev = this.headers.get(name);
    this.headers.set(name, prev === undefined ? value : `${prev}, ${value}`);
  }

  readBody(maxBytes: number): Promise<{ readonly bytes: Buffer; readonly cut: boolean }> {
    this.limit = maxBytes;
    this.owner.applyLimit(this);
    if (this.bodyDone) {
      // Read whole before the limit was known: still more than the caller wants.
      this.cut ||= this.bodyLength > maxBytes;
      return Promise.resolve(this.result());
    }
    if (this.failure) {
      return Promise.reject(this.failure);
    }
    return new Promise((resolve, reject) => (this.bodyWaiter = { resolve, reject }));
  }

  discard(): void {
    if (!this.bodyDone) {
      this.owner.drop();
    }
  }

  result(): { bytes: Buffer; cut: boolean } {
    return { bytes: this.owner.bodyView(Math.min(this.bodyLength, this.limit)), cut: this.cut };
  }

  finish(): void {
    this.bodyDone = true;
    const w = this.bodyWaiter;
    this.bodyWaiter = undefined;
    w?.resolve(this.result());
  }

  fail(e: Error): void {
    if (this.bodyDone || this.failure) {
      return;
    }
    this.failure = e;
    if (this.headDone) {
      const w = this.bodyWaiter;
      this.bodyWaiter = undefined;
      w?.reject(e);
    } else {
      this.onFail(e);
    }
  }
}

/**
 * GET for http:// URLs over a raw kept-alive socket (https:// is handed to
 * NodeHttpGetter). The bytes a `readBody` gives are a view of the getter's reused
 * buffer: read them before the next `get`.
 */
export class SocketHttpGetter implements HttpGetter {
  private socket: net.Socket | undefined;
  /** host:port the socket is connected to. */
  private socketFor = '';
  /** The socket answered a request before (so a close before any answer is the idle race). */
  private socketUsed = false;
  private current: Exchange | undefined;
  /**
   * Closes the connection once it has been idle for idleMs: one timer for the connection's
   * life, re-armed (`refresh`) by each answer, not a new timer made and cleared every
   * scrape (issue 20). Firing while a request is in flight does nothing: the answer re-arms it.
   */
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly readBuffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  private body: Buffer = Buffer.allocUnsafe(INITIAL_BODY_BYTES);
  private head = Buffer.allocUnsafe(1024);
  private headLength = 0;
  private tls: NodeHttpGetter | undefined;
  private requestFor: { href: string; headers: Readonly<Record<string, string>>; text: string } | undefined;

  constructor(private readonly idleMs = IDLE_CONNECTION_MS) {}

  /** The buffer bodies are read into (tests check that it is reused). */
  get bodyBuffer(): Buffer {
    return this.body;
  }

  async get(url: URL, headers: Readonly<Record<string, string>>, cancellation: Cancellation): Promise<HttpAnswer> {
    if (url.protocol !== 'http:') {
      return (this.tls ??= new NodeHttpGetter(this.idleMs)).get(url, headers, cancellation);
    }
    try {
      return await this.once(url, headers, cancellation);
    } catch (e) {
      // The server may close an idle kept-alive connection just as we reuse it; a
      // request it never answered is safe to send once more, on a new connection.
      if ((e as { reusedSocket?: boolean }).reusedSocket === true && !cancellation.isCancelled) {
        return this.once(url, headers, cancellation);
      }
      throw e;
    }
  }

  dispose(): void {
    this.drop();
    this.tls?.dispose();
  }

  /** Closes the connection (an answer not read to its end cannot be followed by another). */
  drop(): void {
    this.clearIdle();
    const s = this.socket;
    this.socket = undefined;
    this.socketUsed = false;
    s?.destroy();
  }

  bodyView(length: number): Buffer {
    return this.body.subarray(0, length);
  }

  /** A body over the limit readBody set is cut there: the rest is not read. */
  applyLimit(x: Exchange): void {
    if (!x.bodyDone && x.bodyLength > x.limit) {
      x.cut = true;
      this.current = undefined;
      this.lastBodyLength = x.limit;
      this.drop();
      x.finish();
    }
  }

  private once(url: URL, headers: Readonly<Record<string, string>>, cancellation: Cancellation): Promise<HttpAnswer> {
    return new Promise<HttpAnswer>((resolve, reject) => {
      this.shrinkBody();
      const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
      const port = url.port === '' ? 80 : Number(url.port);
      const target = `${host}:${port}`;
      if (this.socket !== undefined && (this.socketFor !== target || this.socket.destroyed)) {
        this.drop();
      }
      const reused = this.socket !== undefined && this.socketUsed;
      const x = new Exchange(
        this,
        (e) => resolve(e),
        (e) => reject(Object.assign(e, { reusedSocket: reused && !x.sawBytes })),
      );
      this.current = x;
      this.headLength = 0;
      cancellation.onCancel(() => {
        if (this.current === x) {
          this.drop();
          x.fail(httpError('cancelled', 'ABORT_ERR'));
        }
      });
      if (cancellation.isCancelled) {
        return;
      }
      let socket = this.socket;
      if (socket === undefined) {
        socket = this.connect(host, port);
        this.socket = socket;
        this.socketFor = target;
      }
      x.socket = socket;
      socket.ref();
      socket.write(this.requestText(url, headers), 'latin1');
    });
  }

  private connect(host: string, port: number): net.Socket {
    const socket: net.Socket = net.connect({
      host,
      port,
      onread: { buffer: this.readBuffer, callback: (n: number, buf: Uint8Array): boolean => this.onRead(socket, n, buf) },
    });
    socket.setNoDelay(true);
    socket.on('error', (e: Error) => this.onClosed(socket, e));
    socket.on('close', () => this.onClosed(socket, undefined));
    // The server ended its side: a close-delimited body is complete, anything else cut.
    socket.on('end', () => this.onClosed(socket, undefined));
    return socket;
  }

  private requestText(url: URL, headers: Readonly<Record<string, string>>): string {
    if (this.requestFor?.href !== url.href || this.requestFor.headers !== headers) {
      let text = `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n`;
      for (const [k, v] of Object.entries(headers)) {
        text += `${k}: ${v}\r\n`;
      }
      if (url.username !== '' || url.password !== '') {
        // As node:http does with credentials in the URL.
        const auth = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
        text += `Authorization: Basic ${Buffer.from(auth).toString('base64')}\r\n`;
      }
      this.requestFor = { href: url.href, headers, text: text + 'Connection: keep-alive\r\n\r\n' };
    }
    return this.requestFor.text;
  }

  private onClosed(socket: net.Socket, error: Error | undefined): void {
    if (this.socket === socket) {
      this.socket = undefined;
      this.socketUsed = false;
      this.clearIdle();
    }
    socket.destroy();
    const x = this.current;
    if (x === undefined || x.socket !== socket || x.bodyDone || x.failure) {
      return;
    }
    this.current = undefined;
    if (x.headDone && x.framing === 'close' && error === undefined) {
      x.finish();
      return;
    }
    x.fail(
      error ??
        httpError(x.headDone ? l10n.t('the connection closed before the body ended') : l10n.t('the connection closed before an answer came'), 'ECONNRESET'),
    );
  }

  private onRead(socket: net.Socket, n: number, buf: Uint8Array): boolean {
    const x = this.current;
    if (socket !== this.socket || x === undefined || x.bodyDone || x.failure) {
      // Bytes nobody asked for: the connection cannot be trusted for the next request.
      if (socket === this.socket) this.drop();
      else socket.destroy();
      return false;
    }
    x.sawBytes = true;
    let at = 0;
    if (!x.headDone) {
      at = this.readHead(x, buf, n);
      if (at < 0) {
        return false;
      }
    }
    if (x.headDone && !x.bodyDone) {
      this.readBodyBytes(x, buf, at, n);
    }
    return true;
  }

  /** Reads the status line and headers; returns where the body starts in buf, or -1. */
  private readHead(x: Exchange, buf: Uint8Array, n: number): number {
    for (let at = 0; at < n; ) {
      // Copy up to and including the blank line that ends the head.
      let end = -1;
      const from = Math.max(0, this.headLength - 3);
      if (this.headLength + (n - at) > this.head.length) {
        const bigger = Buffer.allocUnsafe(Math.min(MAX_HEAD_BYTES, Math.max(this.head.length * 2, this.headLength + n - at)));
        this.head.copy(bigger, 0, 0, this.headLength);
        this.head = bigger;
      }
      const take = Math.min(n - at, this.head.length - this.headLength);
      this.head.set(buf.subarray(at, at + take), this.headLength);
      this.headLength += take;
      end = this.head.subarray(0, this.headLength).indexOf('\r\n\r\n', from, 'latin1');
      if (end === -1) {
        if (this.headLength >= MAX_HEAD_BYTES) {
          this.protocolError(x, l10n.t("the answer's headers are larger than {0} KB", MAX_HEAD_BYTES / 1024), 'HPE_HEADER_OVERFLOW');
          return -1;
        }
        at += take;
        continue;
      }
      const bodyStart = at + take - (this.headLength - (end + 4));
      if (!this.parseHead(x, this.head.toString('latin1', 0, end))) {
        return -1;
      }
      this.headLength = 0;
      if (x.status >= 100 && x.status < 200) {
        // An interim answer (100 Continue…): the real one follows.
        x.status = 0;
        at = bodyStart;
        continue;
      }
      x.headDone = true;
      x.onHead(x);
      return bodyStart;
    }
    return n;
  }

  private parseHead(x: Exchange, head: string): boolean {
    const lines = head.split('\r\n');
    const m = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
    if (!m) {
      this.protocolError(x, l10n.t('the answer does not start with an HTTP/1.x status line'), 'HPE_INVALID_CONSTANT');
      return false;
    }
    x.status = Number(m[2]);
    x.statusText = m[3] ?? '';
    if (x.status >= 100 && x.status < 200) {
      return true; // an interim answer: its headers are not the answer's
    }
    for (let k = 1; k < lines.length; k++) {
      const line = lines[k]!;
      const colon = line.indexOf(':');
      if (colon <= 0) {
        this.protocolError(x, l10n.t('the answer has a malformed header line'), 'HPE_INVALID_HEADER_TOKEN');
        return false;
      }
      x.setHeader(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const http11 = m[1] === '1';
    const connection = (x.header('connection') ?? '').toLowerCase();
    const te = (x.header('transfer-encoding') ?? '').toLowerCase();
    const cl = x.header('content-length');
    if (x.status === 204 || x.status === 304) {
      x.framing = 'none';
    } else if (te.includes('chunked')) {
      x.framing = 'chunked';
      x.chunkState = 'size';
      x.line = '';
    } else if (cl !== undefined) {
      if (!/^\d+$/.test(cl)) {
        this.protocolError(x, l10n.t('the answer has an invalid Content-Length'), 'HPE_INVALID_CONTENT_LENGTH');
        return false;
      }
      x.framing = 'length';
      x.remaining = Number(cl);
    } else {
      x.framing = 'close';
    }
    x.keepAlive = http11 && !connection.includes('close') && x.framing !== 'close';
    if (x.framing === 'none' || (x.framing === 'length' && x.remaining === 0)) {
      this.complete(x);
    }
    return true;
  }

  private readBodyBytes(x: Exchange, buf: Uint8Array, at: number, n: number): void {
    while (at < n && !x.bodyDone) {
      if (x.framing === 'chunked') {
        at = this.readChunked(x, buf, at, n);
        continue;
      }
      const take = x.framing === 'length' ? Math.min(x.remaining, n - at) : n - at;
      this.append(x, buf, at, at + take);
      at += take;
      this.applyLimit(x);
      if (x.framing === 'length' && !x.bodyDone) {
        x.remaining -= take;
        if (x.remaining === 0) {
          this.complete(x);
        }
      }
    }
    if (at < n && x.bodyDone && !x.cut) {
      // More bytes than the answer held: nothing else was asked for on this connection.
      this.drop();
    }
  }

  /** Chunked transfer coding (RFC 9112 §7.1): size line, data, CRLF; a zero size, trailers, a blank line. */
  private readChunked(x: Exchange, buf: Uint8Array, at: number, n: number): number {
    switch (x.chunkState) {
      case 'data': {
        const take = Math.min(x.remaining, n - at);
        this.append(x, buf, at, at + take);
        x.remaining -= take;
        if (x.remaining === 0) {
          x.chunkState = 'dataEnd';
          x.line = '';
        }
        this.applyLimit(x);
        return at + take;
      }
      case 'dataEnd':
      case 'size':
      case 'trailer': {
        // Lines are short: read them a byte at a time.
        const c = buf[at]!;
        if (c !== 10) {
          if (x.line.length > 1024) {
            this.protocolError(x, l10n.t('the answer has a malformed chunk'), 'HPE_INVALID_CHUNK_SIZE');
            return n;
          }
          x.line += String.fromCharCode(c);
          return at + 1;
        }
        const line = x.line.endsWith('\r') ? x.line.slice(0, -1) : x.line;
        x.line = '';
        if (x.chunkState === 'dataEnd') {
          if (line !== '') {
            this.protocolError(x, l10n.t('the answer has a malformed chunk'), 'HPE_INVALID_CHUNK_SIZE');
            return n;
          }
          x.chunkState = 'size';
        } else if (x.chunkState === 'size') {
          const hex = line.split(';')[0]!.trim();
          if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) {
            this.protocolError(x, l10n.t('the answer has a malformed chunk size'), 'HPE_INVALID_CHUNK_SIZE');
            return n;
          }
          x.remaining = parseInt(hex, 16);
          x.chunkState = x.remaining === 0 ? 'trailer' : 'data';
        } else if (line === '') {
          this.complete(x);
        }
        return at + 1;
      }
    }
  }

  private append(x: Exchange, buf: Uint8Array, from: number, to: number): void {
    const len = to - from;
    if (len <= 0) return;
    // Past the limit nothing more is kept (readBody cuts there).
    const room = Math.min(len, Math.max(0, x.limit - x.bodyLength + 1));
    if (x.bodyLength + room > this.body.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.body.length * 2, x.bodyLength + room));
      this.body.copy(bigger, 0, 0, x.bodyLength);
      this.body = bigger;
    }
    this.body.set(buf.subarray(from, from + room), x.bodyLength);
    x.bodyLength += len;
  }

  private complete(x: Exchange): void {
    this.current = undefined;
    this.socketUsed = true;
    this.lastBodyLength = x.bodyLength;
    if (x.keepAlive && this.socket !== undefined) {
      // An idle connection must not keep a command-line run alive.
      this.socket.unref();
      if (this.idleTimer === undefined) {
        this.idleTimer = setTimeout(() => {
          if (this.current === undefined) this.drop();
        }, this.idleMs);
        this.idleTimer.unref?.();
      } else {
        this.idleTimer.refresh();
      }
    } else {
      this.drop();
    }
    x.finish();
  }

  private protocolError(x: Exchange, message: string, code: string): void {
    this.current = undefined;
    this.drop();
    x.fail(httpError(message, code));
  }

  private lastBodyLength = 0;

  /** A big buffer that the last body needed under a quarter of is given back (a server that shrank). */
  private shrinkBody(): void {
    if (this.body.length > SHRINK_ABOVE_BYTES && this.lastBodyLength * 4 < this.body.length) {
      this.body = Buffer.allocUnsafe(Math.max(INITIAL_BODY_BYTES, this.lastBodyLength * 2));
    }
  }

  private clearIdle(): void {
    if (this.idleTimer !== undefined) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
  }
}
