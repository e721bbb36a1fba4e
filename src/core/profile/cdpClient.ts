/**
 * A minimal Chrome DevTools Protocol client over WebSocket (RFC 6455), enough to
 * talk to a Node inspector on loopback: one text message per command, masked client
 * frames, ping/pong, fragmented server messages, a bound on a message's size.
 *
 * WHY not the `ws` package: it is only a dev dependency (the example server's), and
 * the profiler bundle must not pull a dependency into the extension for ~150 lines.
 */
import * as l10n from '@vscode/l10n';
import crypto from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';

/** A CDP command failed, the connection closed, or a limit was hit: `message` is a sentence. */
export class CdpError extends Error {
  constructor(
    message: string,
    /** 'closed' when the connection ended (the process exited or closed its inspector). */
    readonly kind: 'closed' | 'timeout' | 'protocol' | 'tooLarge' | 'connect' = 'protocol',
  ) {
    super(message);
  }
}

export interface CdpClientOptions {
  /** A whole message (a CPU profile is one) larger than this ends the connection. */
  readonly maxMessageBytes?: number;
  /** Each command's answer must come within this. */
  readonly commandTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
}

const DEFAULT_MAX_MESSAGE_BYTES = 128 * 1024 * 1024;
const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
  method: string;
}

export class CdpClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private fragments: Buffer[] = [];
  private fragmentBytes = 0;
  private closedWith: CdpError | undefined;
  private readonly closeWaiters: ((e: CdpError) => void)[] = [];
  private readonly maxMessageBytes: number;
  private readonly commandTimeoutMs: number;

  private constructor(
    private readonly socket: Socket,
    head: Buffer,
    options: CdpClientOptions,
  ) {
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('close', () => this.fail(new CdpError(l10n.t('The inspector connection closed.'), 'closed')));
    socket.on('error', () => this.fail(new CdpError(l10n.t('The inspector connection closed.'), 'closed')));
    if (head.length > 0) {
      this.onData(head);
    }
  }

  /** Opens a WebSocket to `ws://127.0.0.1:PORT/ID`. Only loopback URLs are accepted. */
  static connect(wsUrl: string, options: CdpClientOptions = {}): Promise<CdpClient> {
    let url: URL;
    try {
      url = new URL(wsUrl);
    } catch {
      return Promise.reject(new CdpError(l10n.t('Not a WebSocket URL: {0}', wsUrl), 'connect'));
    }
    if (url.protocol !== 'ws:' || !isLoopbackHost(url.hostname)) {
      return Promise.reject(new CdpError(l10n.t('Only an inspector on this machine (127.0.0.1 or ::1) can be attached to.'), 'connect'));
    }
    const key = crypto.randomBytes(16).toString('base64');
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: Number(url.port || 80),
        path: url.pathname + url.search,
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': key },
        timeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      });
      req.on('upgrade', (res, socket: Socket, head: Buffer) => {
        const expected = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
        if (res.headers['sec-websocket-accept'] !== expected) {
          socket.destroy();
          reject(new CdpError(l10n.t('The inspector answered the WebSocket handshake wrongly.'), 'connect'));
          return;
        }
        resolve(new CdpClient(socket, head, options));
      });
      req.on('response', (res) => {
        res.resume();
        reject(new CdpError(l10n.t('The inspector refused the connection (HTTP {0}); another debugger may be attached.', String(res.statusCode)), 'connect'));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => reject(new CdpError(l10n.t('Could not connect to the inspector: {0}.', e.message), 'connect')));
      req.end();
    });
  }

  /** Sends a command and resolves with its `result`; rejects with a CdpError. */
  send<T = unknown>(method: string, params: Record<string, unknown> = {}, timeoutMs = this.commandTimeoutMs): Promise<T> {
    if (this.closedWith) {
      return Promise.reject(this.closedWith);
    }
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new CdpError(l10n.t('The inspector did not answer {0} within {1} s.', method, Math.round(timeoutMs / 1000)), 'timeout'));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer, method });
      this.writeFrame(OP_TEXT, Buffer.from(JSON.stringify({ id, method, params }), 'utf8'));
    });
  }

  /** Resolves (never rejects) when the connection ends, with the reason. */
  whenClosed(): Promise<CdpError> {
    if (this.closedWith) {
      return Promise.resolve(this.closedWith);
    }
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  get isClosed(): boolean {
    return this.closedWith !== undefined;
  }

  close(): void {
    if (!this.closedWith) {
      try {
        this.writeFrame(OP_CLOSE, Buffer.from([0x03, 0xe8]));
      } catch {
        // the socket is already gone
      }
    }
    this.socket.end();
    this.socket.destroy();
    this.fail(new CdpError(l10n.t('The inspector connection was closed by the monitor.'), 'closed'));
  }

  private fail(err: CdpError): void {
    if (this.closedWith) {
      return;
    }
    this.closedWith = err;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
    for (const w of this.closeWaiters.splice(0)) {
      w(err);
    }
    this.socket.destroy();
  }

  private writeFrame(opcode: number, payload: Buffer): void {
    const len = payload.length;
    const headerLen = len < 126 ? 2 : len < 65536 ? 4 : 10;
    const frame = Buffer.allocUnsafe(headerLen + 4 + len);
    frame[0] = 0x80 | opcode;
    if (len < 126) {
      frame[1] = 0x80 | len;
    } else if (len < 65536) {
      frame[1] = 0x80 | 126;
      frame.writeUInt16BE(len, 2);
    } else {
      frame[1] = 0x80 | 127;
      frame.writeBigUInt64BE(BigInt(len), 2);
    }
    const mask = crypto.randomBytes(4);
    mask.copy(frame, headerLen);
    for (let i = 0; i < len; i++) {
      frame[headerLen + 4 + i] = payload[i]! ^ mask[i & 3]!;
    }
    this.socket.write(frame);
  }

  private onData(chunk: Buffer): void {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    const buf = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered, this.bufferedBytes);
    let offset = 0;
    while (!this.closedWith) {
      if (buf.length - offset < 2) {
        break;
      }
      const b0 = buf[offset]!;
      const b1 = buf[offset + 1]!;
      let len = b1 & 0x7f;
      let pos = offset + 2;
      if (len === 126) {
        if (buf.length - pos < 2) {
          break;
        }
        len = buf.readUInt16BE(pos);
        pos += 2;
      } else if (len === 127) {
        if (buf.length - pos < 8) {
          break;
        }
        const big = buf.readBigUInt64BE(pos);
        if (big > BigInt(this.maxMessageBytes)) {
          this.tooLarge();
          return;
        }
        len = Number(big);
        pos += 8;
      }
      const masked = (b1 & 0x80) !== 0;
      const maskAt = pos;
      if (masked) {
        pos += 4;
      }
      if (len > this.maxMessageBytes || this.fragmentBytes + len > this.maxMessageBytes) {
        this.tooLarge();
        return;
      }
      if (buf.length - pos < len) {
        break;
      }
      let payload = buf.subarray(pos, pos + len);
      if (masked) {
        payload = Buffer.from(payload);
        for (let i = 0; i < len; i++) {
          payload[i] = payload[i]! ^ buf[maskAt + (i & 3)]!;
        }
      }
      offset = pos + len;
      this.onFrame((b0 & 0x80) !== 0, b0 & 0x0f, payload);
    }
    const rest = buf.subarray(offset);
    this.buffered = rest.length > 0 ? [Buffer.from(rest)] : [];
    this.bufferedBytes = rest.length;
  }

  private tooLarge(): void {
    this.fail(new CdpError(l10n.t('The inspector sent a message larger than {0} MiB; the capture was stopped.', Math.round(this.maxMessageBytes / 1048576)), 'tooLarge'));
  }

  private onFrame(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case OP_PING:
        this.writeFrame(OP_PONG, payload);
        return;
      case OP_PONG:
        return;
      case OP_CLOSE:
        this.fail(new CdpError(l10n.t('The inspector closed the connection.'), 'closed'));
        return;
      case OP_TEXT:
      case OP_BINARY:
      case OP_CONTINUATION:
        this.fragments.push(Buffer.from(payload));
        this.fragmentBytes += payload.length;
        if (fin) {
          const whole = this.fragments.length === 1 ? this.fragments[0]! : Buffer.concat(this.fragments, this.fragmentBytes);
          this.fragments = [];
          this.fragmentBytes = 0;
          this.onMessage(whole.toString('utf8'));
        }
        return;
      default:
        this.fail(new CdpError(l10n.t('The inspector sent an unknown WebSocket frame (opcode {0}).', opcode), 'protocol'));
    }
  }

  private onMessage(text: string): void {
    let msg: { id?: number; result?: unknown; error?: { message?: string } };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    if (typeof msg.id !== 'number') {
      return; // an event: this client does not subscribe to any
    }
    const p = this.pending.get(msg.id);
    if (!p) {
      return;
    }
    this.pending.delete(msg.id);
    clearTimeout(p.timer);
    if (msg.error) {
      p.reject(new CdpError(l10n.t('The inspector refused {0}: {1}.', p.method, msg.error.message ?? l10n.t('no reason given')), 'protocol'));
    } else {
      p.resolve(msg.result);
    }
  }
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
