import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { AddressInfo } from 'node:net';
import { Cancellation, NodeHttpGetter } from '../../../src/core/scrape/httpGet';
import { SocketHttpGetter } from '../../../src/core/scrape/socketHttp';

/** A raw TCP server: `answer` writes whatever bytes a test needs to each request. */
async function rawServer(answer: (socket: net.Socket, request: string) => void): Promise<{ url: URL; requests: string[]; connections: number; close(): Promise<void> }> {
  const requests: string[] = [];
  const sockets = new Set<net.Socket>();
  const state = { connections: 0 };
  const server = net.createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    let pending = '';
    socket.on('data', (d) => {
      pending += d.toString('latin1');
      let end: number;
      while ((end = pending.indexOf('\r\n\r\n')) >= 0) {
        const req = pending.slice(0, end);
        pending = pending.slice(end + 4);
        requests.push(req);
        answer(socket, req);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/metrics?x=1`),
    requests,
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const headers = { Accept: 'text/plain' };

async function getText(g: SocketHttpGetter, url: URL, max = 1 << 20): Promise<{ status: number; text: string; cut: boolean; bytes: Buffer }> {
  const res = await g.get(url, headers, new Cancellation());
  const { bytes, cut } = await res.readBody(max);
  return { status: res.status, text: bytes.toString('utf8'), cut, bytes };
}

describe('SocketHttpGetter', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
  });

  it('reads a Content-Length body, sends the request line, Host and the headers given', async () => {
    const s = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\nup_g 1\n'));
    closers.push(s.close);
    const g = new SocketHttpGetter();
    const r = await getText(g, s.url);
    assert.deepEqual([r.status, r.text, r.cut], [200, 'up_g 1\n', false]);
    assert.match(s.requests[0]!, /^GET \/metrics\?x=1 HTTP\/1\.1\r\nHost: 127\.0\.0\.1:\d+\r\nAccept: text\/plain\r\n/);
    g.dispose();
  });

  it('reads a chunked body written in pieces (extensions and trailers included), and keeps the connection', async () => {
    const s = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nup_g ');
      setTimeout(() => socket.write('\r'), 5);
      setTimeout(() => socket.write('\n2\r\n1\n\r\n0\r\nX-Trailer: y\r\n\r\n'), 10);
    });
    closers.push(s.close);
    const g = new SocketHttpGetter();
    assert.equal((await getText(g, s.url)).text, 'up_g 1\n');
    assert.equal((await getText(g, s.url)).text, 'up_g 1\n');
    assert.equal(s.connections, 1);
    g.dispose();
  });

  it('reads a body that ends with the connection (HTTP/1.0), then connects anew', async () => {
    const s = await rawServer((socket) => socket.end('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nup_g 2\n'));
    closers.push(s.close);
    const g = new SocketHttpGetter();
    assert.equal((await getText(g, s.url)).text, 'up_g 2\n');
    assert.equal((await getText(g, s.url)).text, 'up_g 2\n');
    assert.equal(s.connections, 2);
    g.dispose();
  });

  it('skips an interim 100 answer', async () => {
    const s = await rawServer((socket) => socket.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    closers.push(s.close);
    const g = new SocketHttpGetter();
    const r = await getText(g, s.url);
    assert.deepEqual([r.status, r.text], [200, 'ok']);
    g.dispose();
  });

  it('reads every body into the same buffer, where node:http gives a new one each time', async () => {
    const server = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('x'.repeat(100_000)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
    const g = new SocketHttpGetter();
    const a = await getText(g, url);
    const b = await getText(g, url);
    assert.equal(a.bytes.length, 100_000);
    assert.equal(b.bytes.buffer, a.bytes.buffer, 'the second body is read into the first one\'s buffer');
    assert.equal(b.bytes.buffer, g.bodyBuffer.buffer);
    g.dispose();
    // The comparison that makes the point: node:http's chunks are new memory per request.
    const n = new NodeHttpGetter();
    const c = await (await n.get(url, headers, new Cancellation())).readBody(1 << 20);
    const d = await (await n.get(url, headers, new Cancellation())).readBody(1 << 20);
    assert.notEqual(c.bytes.buffer, d.bytes.buffer);
    n.dispose();
  });

  it('keeps one idle timer for a kept-alive connection, re-armed by each answer, not one made and cleared each request (issue 20)', async () => {
    const s = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nup_g 1\n'));
    closers.push(s.close);
    const g = new SocketHttpGetter();
    const timerOf = (): unknown => (g as unknown as { idleTimer: unknown }).idleTimer;
    await getText(g, s.url);
    const first = timerOf();
    assert.ok(first !== undefined);
    for (let i = 0; i < 3; i++) {
      await getText(g, s.url);
      assert.equal(timerOf(), first, `request ${i + 2}`);
    }
    assert.equal(s.connections, 1);
    g.dispose();
    assert.equal(timerOf(), undefined);
  });

  it('closes a connection idle for idleMs, but not one whose answer is still coming, then connects anew', async () => {
    let slow = false;
    const s = await rawServer((socket) => {
      const answer = (): void => void socket.write('HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nup_g 1\n');
      if (slow) setTimeout(answer, 150);
      else answer();
    });
    closers.push(s.close);
    const g = new SocketHttpGetter(40);
    await getText(g, s.url);
    // In flight for longer than idleMs: the timer fires meanwhile, and the connection stays.
    slow = true;
    assert.equal((await getText(g, s.url)).text, 'up_g 1\n');
    slow = false;
    assert.equal((await getText(g, s.url)).text, 'up_g 1\n');
    assert.equal(s.connections, 1, 'the slow answer came on the kept connection');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal((await getText(g, s.url)).text, 'up_g 1\n');
    assert.equal(s.connections, 2, 'idle for longer than idleMs: closed, and a new one made');
    g.dispose();
  });

  it('stops reading at maxBytes, says the body was cut, and connects anew for the next request', async () => {
    const s = await rawServer((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n${'a'.repeat(100)}`);
      setTimeout(() => socket.write('a'.repeat(9_900)), 20);
    });
    closers.push(s.close);
    const g = new SocketHttpGetter();
    const r = await getText(g, s.url, 100);
    assert.deepEqual([r.text, r.cut], ['a'.repeat(100), true]);
    assert.equal((await getText(g, s.url)).text.length, 10_000);
    assert.equal(s.connections, 2);
    g.dispose();
  });

  it('rejects a body cut by the server, a status line that is not HTTP, and headers past 16 KB, each with a code', async () => {
    const cut = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nup_g'));
    closers.push(cut.close);
    const g = new SocketHttpGetter();
    const res = await g.get(cut.url, headers, new Cancellation());
    await assert.rejects(res.readBody(1000), { code: 'ECONNRESET' });
    const junk = await rawServer((socket) => socket.write('SSH-2.0-OpenSSH\r\n\r\n'));
    closers.push(junk.close);
    await assert.rejects(g.get(junk.url, headers, new Cancellation()), { code: 'HPE_INVALID_CONSTANT' });
    const big = await rawServer((socket) => socket.write(`HTTP/1.1 200 OK\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`));
    closers.push(big.close);
    await assert.rejects(g.get(big.url, headers, new Cancellation()), { code: 'HPE_HEADER_OVERFLOW' });
    g.dispose();
  });

  it('a cancellation stops a body that never ends', async () => {
    const s = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nup'));
    closers.push(s.close);
    const g = new SocketHttpGetter();
    const c = new Cancellation();
    const res = await g.get(s.url, headers, c);
    const body = res.readBody(1000);
    setTimeout(() => c.cancel(), 20);
    await assert.rejects(body, { code: 'ABORT_ERR' });
    g.dispose();
  });

  it('says ECONNREFUSED when nothing listens', async () => {
    const s = await rawServer(() => undefined);
    const url = s.url;
    await s.close();
    const g = new SocketHttpGetter();
    await assert.rejects(g.get(url, headers, new Cancellation()), { code: 'ECONNREFUSED' });
    g.dispose();
  });
});
