import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { Clock, systemClock } from '../../../src/core/clock';
import { Metric, Sample, seriesKey } from '../../../src/core/model';
import { METRICS_URL_SETTING, SCRAPE_ACCEPT, ScrapeResult, Scraper } from '../../../src/core/scrape/scraper';
import { useLocale } from '../../../src/core/i18n/locale';
import { fakeClock } from '../helpers/fakeClock';
import { zhCnBundle } from '../helpers/zhCn';
import { chatRegistry } from './exposition';

interface TestServer {
  readonly url: string;
  readonly requests: http.IncomingMessage[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 with a random port. */
async function serve(handler: http.RequestListener): Promise<TestServer> {
  const requests: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function value(r: ScrapeResult, name: string, labels = {}): number | undefined {
  return r.samples.find((s: Sample) => seriesKey(s.name, s.labels) === seriesKey(name, labels))?.value;
}

function onlyProblem(r: ScrapeResult): string {
  assert.equal(r.problems.length, 1, r.problems.map((p) => p.message).join(' | '));
  const p = r.problems[0]!;
  assert.equal(p.setting, METRICS_URL_SETTING);
  return p.message;
}

function assertFailed(r: ScrapeResult): void {
  assert.equal(r.ok, false);
  assert.equal(value(r, Metric.scrapeUp), 0);
  assert.ok(value(r, Metric.scrapeDurationSeconds) !== undefined);
}

describe('Scraper', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  for (const openMetrics of [false, true]) {
    it(`scrapes a real prom-client endpoint and derives rates across scrapes (${openMetrics ? 'OpenMetrics' : '0.0.4'})`, async () => {
      const { register, messages, activeUsers } = chatRegistry(openMetrics);
      activeUsers.set({ room: 'lobby' }, 7);
      messages.inc(10);
      server = await serve((_req, res) => {
        void register.metrics().then((text) => {
          res.writeHead(200, { 'Content-Type': register.contentType });
          res.end(text);
        });
      });
      const clock = fakeClock();
      const scraper = new Scraper({ url: server.url, timeoutMs: 2000, clock });

      const first = await scraper.scrape();
      assert.deepEqual(first.problems, []);
      assert.equal(first.ok, true);
      assert.equal(value(first, 'chat_active_users', { room: 'lobby' }), 7);
      assert.equal(value(first, Metric.scrapeUp), 1);
      assert.ok(first.seriesCount > 20);
      assert.equal(value(first, 'chat_messages_per_second'), undefined, 'no rate on the first scrape');
      // prom-client's own RSS is the monitor's series: dropped, never doubled.
      assert.equal(value(first, Metric.processRssBytes), undefined);
      assert.equal(server.requests[0]!.headers.accept, SCRAPE_ACCEPT);

      messages.inc(30);
      clock.tick(3000);
      const second = await scraper.scrape();
      assert.equal(value(second, 'chat_messages_per_second'), 10);
      const d = value(second, Metric.scrapeDurationSeconds)!;
      assert.ok(d > 0 && d < 2, `scrape_duration_seconds ${d}`);
      assert.ok(Math.abs(second.durationMs / 1000 - d) < 1e-9);
    });
  }

  it('reports 404 as a wrong path', async () => {
    server = await serve((_req, res) => {
      res.writeHead(404).end('nope');
    });
    const r = await new Scraper({ url: server.url, timeoutMs: 2000, clock: systemClock }).scrape();
    assertFailed(r);
    assert.equal(
      onlyProblem(r),
      `${server.url} (chatroomMonitor.metrics.url) answered 404 Not Found: the server runs but serves no metrics at that path — check the path (usually /metrics).`,
    );
  });

  it('reports another HTTP status with its code', async () => {
    server = await serve((_req, res) => {
      res.writeHead(500).end('boom');
    });
    const r = await new Scraper({ url: server.url, timeoutMs: 2000, clock: systemClock }).scrape();
    assertFailed(r);
    assert.match(onlyProblem(r), /answered HTTP 500 Internal Server Error — check the chat server's log/);
  });

  it('does not follow a redirect, and says where it pointed', async () => {
    server = await serve((_req, res) => {
      res.writeHead(302, { Location: 'http://example.invalid/metrics' }).end();
    });
    const r = await new Scraper({ url: server.url, timeoutMs: 2000, clock: systemClock }).scrape();
    assertFailed(r);
    assert.match(onlyProblem(r), /answered 302 Found, a redirect to http:\/\/example\.invalid\/metrics, which the monitor does not follow/);
  });

  it('a body cut after a 200 says it answered and was cut, not that it never answered', async () => {
    server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', 'Content-Length': '1000' });
      res.write('# TYPE chat_active_users gauge\nchat_active_users 3\n');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const r = await new Scraper({ url: server.url, timeoutMs: 2000, clock: systemClock }).scrape();
    assertFailed(r);
    assert.match(onlyProblem(r), /answered 200 OK but the connection closed before the body ended/);
    assert.doesNotMatch(onlyProblem(r), /before answering/);
  });

  it('says nothing answers when the port is closed', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/metrics`;
    const r = await new Scraper({ url, timeoutMs: 2000, clock: systemClock }).scrape();
    assertFailed(r);
    assert.equal(
      onlyProblem(r),
      `Nothing answers at ${url} (chatroomMonitor.metrics.url): is the chat server running, and does it serve /metrics?`,
    );
  });

  it('says what went wrong in the display language (zh-cn): nothing answering, a wrong path', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/metrics`;
    server = await serve((_req, res) => {
      res.writeHead(404).end('nope');
    });
    useLocale('zh-cn', zhCnBundle());
    try {
      const closed = await new Scraper({ url, timeoutMs: 2000, clock: systemClock }).scrape();
      assert.equal(onlyProblem(closed), `${url} (chatroomMonitor.metrics.url) 没有任何响应：聊天服务器在运行吗？它提供 /metrics 吗？`);
      const wrongPath = await new Scraper({ url: server.url, timeoutMs: 2000, clock: systemClock }).scrape();
      assert.equal(onlyProblem(wrongPath), `${server.url} (chatroomMonitor.metrics.url) 返回 404 Not Found：服务器在运行，但该路径下没有指标——请检查路径（通常是 /metrics）。`);
    } finally {
      useLocale('en');
    }
  });

  it('gives up after timeoutMs on a server that never answers', async () => {
    server = await serve(() => {
      /* never answers */
    });
    const t0 = Date.now();
    const r = await new Scraper({ url: server.url, timeoutMs: 300, clock: systemClock }).scrape();
    const took = Date.now() - t0;
    assertFailed(r);
    assert.ok(took >= 250 && took < 3000, `took ${took} ms`);
    assert.match(onlyProblem(r), /did not answer within 300 ms — the chat server may be stuck or overloaded/);
  });

  it('times every scrape out with one timer, made once and re-armed: a scrape that hangs after others still times out, and so does one after the timer fired idle', async () => {
    let hang = false;
    server = await serve((_req, res) => {
      if (!hang) res.writeHead(200, { 'Content-Type': 'text/plain' }).end('up_g 1\n');
    });
    const counts = { set: 0, refresh: 0, clear: 0 };
    const clock: Clock = {
      now: () => systemClock.now(),
      setTimeout: (fn, ms) => (counts.set++, systemClock.setTimeout(fn, ms)),
      clearTimeout: (h) => (counts.clear++, systemClock.clearTimeout(h)),
      refreshTimeout: (h) => (counts.refresh++, systemClock.refreshTimeout!(h)),
    };
    const scraper = new Scraper({ url: server.url, timeoutMs: 200, clock });
    for (let i = 0; i < 5; i++) assert.equal((await scraper.scrape()).ok, true);
    assert.deepEqual(counts, { set: 1, refresh: 4, clear: 0 });
    hang = true;
    const hung = await scraper.scrape();
    assertFailed(hung);
    assert.match(onlyProblem(hung), /did not answer within 200 ms/);
    hang = false;
    assert.equal((await scraper.scrape()).ok, true, 'the timer that stopped a scrape is re-armed by the next one');
    await new Promise((r) => setTimeout(r, 300)); // it fires with no scrape in flight
    hang = true;
    assert.match(onlyProblem(await scraper.scrape()), /did not answer within 200 ms/);
    assert.deepEqual(counts, { set: 1, refresh: 7, clear: 0 });
    scraper.dispose();
    assert.equal(counts.clear, 1, 'disposing the scraper clears its timer');
  });

  it('a clock that cannot re-arm a timer gets one a scrape, cleared when it ends', async () => {
    server = await serve((_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('up_g 1\n'));
    const counts = { set: 0, clear: 0 };
    const clock: Clock = {
      now: () => systemClock.now(),
      setTimeout: (fn, ms) => (counts.set++, systemClock.setTimeout(fn, ms)),
      clearTimeout: (h) => (counts.clear++, systemClock.clearTimeout(h)),
    };
    const scraper = new Scraper({ url: server.url, timeoutMs: 2000, clock });
    for (let i = 0; i < 3; i++) assert.equal((await scraper.scrape()).ok, true);
    assert.deepEqual(counts, { set: 3, clear: 3 });
    scraper.dispose();
  });

  it('times out a body that starts but never ends, too', async () => {
    server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('a 1\n'); // and never end
    });
    const r = await new Scraper({ url: server.url, timeoutMs: 300, clock: systemClock }).scrape();
    assertFailed(r);
    assert.match(onlyProblem(r), /did not answer within 300 ms/);
  });

  const notMetrics: Array<[string, string, string, RegExp]> = [
    ['HTML', 'text/html; charset=utf-8', '<!doctype html><html><body>Chat</body></html>', /It answered with text\/html\.$/],
    ['JSON', 'application/json', '{"users": 3}', /It answered with application\/json\.$/],
    ['garbage', 'text/plain', '\u0000\u0001 ?? <<>> {{{\n!!!\n', /returned no metric lines — is it a Prometheus endpoint\?$/],
    ['an empty body', 'text/plain', '', /returned no metric lines — is it a Prometheus endpoint\?$/],
  ];
  for (const [what, type, body, re] of notMetrics) {
    it(`says a ${what} answer is not a metrics endpoint`, async () => {
      server = await serve((_req, res) => {
        res.writeHead(200, { 'Content-Type': type }).end(body);
      });
      const r = await new Scraper({ url: server.url, timeoutMs: 2000, clock: systemClock }).scrape();
      assertFailed(r);
      const m = onlyProblem(r);
      assert.ok(m.startsWith(`${server.url} (chatroomMonitor.metrics.url) returned no metric lines — is it a Prometheus endpoint?`), m);
      assert.match(m, re);
    });
  }

  it('stops reading at maxBodyBytes, warns, and parses the whole lines it read', async () => {
    const line = (i: number): string => `chat_room_users{room="room-${String(i).padStart(6, '0')}"} ${i}\n`;
    const total = 5000; // ~200 KB, sent in pieces
    server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      for (let i = 0; i < total; i += 500) {
        res.write(Array.from({ length: 500 }, (_, k) => line(i + k)).join(''));
      }
      res.end();
    });
    const maxBodyBytes = 64 * 1024;
    const r = await new Scraper({ url: server.url, timeoutMs: 2000, clock: systemClock, maxBodyBytes }).scrape();
    assert.equal(r.ok, true);
    const m = onlyProblem(r);
    assert.match(m, /sent more than 0\.1 MB of metrics; only the first 0\.1 MB were read/);
    let whole = 0;
    for (let bytes = 0; bytes + line(whole).length <= maxBodyBytes; whole++) {
      bytes += line(whole).length;
    }
    assert.equal(r.seriesCount, whole, 'every whole line, no half line');
    assert.equal(value(r, 'chat_room_users', { room: 'room-000000' }), 0);
  });

  it('keeps maxSeries series and warns about the rest', async () => {
    server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(Array.from({ length: 250 }, (_, i) => `chat_user_online{user="u${i}"} 1\n`).join(''));
    });
    const r = await new Scraper({ url: server.url, timeoutMs: 2000, clock: systemClock, maxSeries: 100 }).scrape();
    assert.equal(r.ok, true);
    assert.equal(r.seriesCount, 100);
    assert.equal(
      onlyProblem(r),
      `${server.url} (chatroomMonitor.metrics.url) exposes more than 100 series; only the first 100 were read and 150 dropped — a label with unbounded values (user or message ids) is the usual cause.`,
    );
  });

  it('groups the thousands of the kept and dropped counts without Intl (no ICU data mapped: +7.3 MiB RSS in a process of its own)', async () => {
    server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(Array.from({ length: 2500 }, (_, i) => `chat_user_online{user="u${i}"} 1\n`).join(''));
    });
    const toLocaleString = Number.prototype.toLocaleString;
    Number.prototype.toLocaleString = () => {
      throw new Error('Intl used');
    };
    let r: ScrapeResult;
    try {
      r = await new Scraper({ url: server.url, timeoutMs: 2000, clock: systemClock, maxSeries: 1000 }).scrape();
    } finally {
      Number.prototype.toLocaleString = toLocaleString;
    }
    assert.equal(r.ok, true);
    assert.match(onlyProblem(r), /exposes more than 1,000 series; only the first 1,000 were read and 1,500 dropped/);
  });

  it('reports a few bad lines of a mostly good body, and the count of the rest', async () => {
    server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('good 1\n' + Array.from({ length: 8 }, (_, i) => `bad{x=${i}} 1\n`).join(''));
    });
    const r = await new Scraper({ url: server.url, timeoutMs: 2000, clock: systemClock }).scrape();
    assert.equal(r.ok, true);
    assert.equal(value(r, 'good'), 1);
    assert.equal(r.problems.length, 6);
    assert.match(r.problems[0]!.message, /has a bad line, skipped — line 2: bad: the value of label x is not quoted/);
    assert.match(r.problems[5]!.message, /has 3 more bad lines, skipped too\.$/);
  });

  it('says when an OpenMetrics body that was not cut lacks # EOF, and keeps its samples', async () => {
    server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' });
      res.end('# TYPE up_g gauge\nup_g 1\n');
    });
    const r = await new Scraper({ url: server.url, timeoutMs: 2000, clock: systemClock }).scrape();
    assert.equal(r.ok, true);
    assert.equal(value(r, 'up_g'), 1);
    assert.equal(onlyProblem(r), `${server.url}: The OpenMetrics body ended without '# EOF' after line 2 — it may have been cut short.`);
  });

  it('reuses one kept-alive connection from scrape to scrape, and closes it on dispose', async () => {
    const sockets = new Set<unknown>();
    let closed = 0;
    server = await serve((req, res) => {
      if (!sockets.has(req.socket)) {
        sockets.add(req.socket);
        req.socket.once('close', () => closed++);
      }
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('up_g 1\n');
    });
    const scraper = new Scraper({ url: server.url, timeoutMs: 2000, clock: systemClock });
    for (let i = 0; i < 3; i++) {
      assert.equal((await scraper.scrape()).ok, true);
    }
    assert.equal(server.requests.length, 3);
    assert.equal(sockets.size, 1);
    scraper.dispose();
    for (let i = 0; i < 50 && closed === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(closed, 1);
  });

  it('sends a request again on a new connection when the server closed the kept-alive one as it was reused', async () => {
    const perSocket = new Map<unknown, number>();
    server = await serve((req, res) => {
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      if (n > 1) {
        req.socket.destroy(); // the idle-timeout race: closed without an answer
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('up_g 1\n');
    });
    const scraper = new Scraper({ url: server.url, timeoutMs: 2000, clock: systemClock });
    assert.equal((await scraper.scrape()).ok, true);
    const second = await scraper.scrape();
    assert.deepEqual(second.problems, []);
    assert.equal(value(second, 'up_g'), 1);
    assert.equal(perSocket.size, 2);
    scraper.dispose();
  });

  it('drops a byte-order mark before the first line', async () => {
    server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('\ufeff# TYPE up_g gauge\nup_g 1\n');
    });
    const r = await new Scraper({ url: server.url, timeoutMs: 2000, clock: systemClock }).scrape();
    assert.deepEqual(r.problems, []);
    assert.equal(value(r, 'up_g'), 1);
    // Prometheus does not drop it: the mark is the first line's start token.
    assert.deepEqual(r.verdict, { accept: false, line: 1, reason: '"INVALID" is not a valid start token', complete: true });
  });

  it("carries Prometheus' verdict: invalid UTF-8 bytes in a label value, found in the raw bytes", async () => {
    server = await serve((_req, res) => {
      res
        .writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' })
        .end(Buffer.concat([Buffer.from('up_g 1\nroom_g{name="'), Buffer.from([0xc3, 0x28]), Buffer.from('"} 2\n')]));
    });
    const r = await new Scraper({ url: server.url, timeoutMs: 2000, clock: systemClock }).scrape();
    assert.equal(value(r, 'up_g'), 1);
    assert.deepEqual(r.verdict, { accept: false, line: 2, reason: 'invalid UTF-8 label value', complete: true });
  });

  it("carries an accepting verdict for a clean body, and none when nothing was read", async () => {
    server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/openmetrics-text; version=1.0.0' }).end('# TYPE up_g gauge\nup_g 1\n# EOF\n');
    });
    const r = await new Scraper({ url: server.url, timeoutMs: 2000, clock: systemClock }).scrape();
    assert.deepEqual(r.verdict, { accept: true, complete: true });
    const down = await new Scraper({ url: 'http://127.0.0.1:1/metrics', timeoutMs: 2000, clock: systemClock }).scrape();
    assert.equal(down.verdict, undefined);
  });

  it('scrapes through an injected fetch the same way', async () => {
    server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('up_g 1\n');
    });
    const r = await new Scraper({ url: server.url, timeoutMs: 2000, clock: systemClock, fetchImpl: fetch }).scrape();
    assert.equal(r.ok, true);
    assert.equal(value(r, 'up_g'), 1);
    assert.equal(server.requests[0]!.headers.accept, SCRAPE_ACCEPT);
  });

  describe('bad settings', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['an invalid URL', 'not a url', /^chatroomMonitor\.metrics\.url is not a valid URL \("not a url"\): write it like http:\/\/127\.0\.0\.1:8080\/metrics\.$/],
      ['a non-http scheme', 'ftp://127.0.0.1/metrics', /^chatroomMonitor\.metrics\.url must start with http:\/\/ or https:\/\/, not ftp: — /],
      ['a remote host without allowRemote', 'http://192.0.2.7:9100/metrics', /points to 192\.0\.2\.7:9100, which is not this machine/],
    ];
    for (const [what, url, re] of cases) {
      it(`turns ${what} into a sentence without fetching`, async () => {
        let fetched = false;
        const fetchImpl: typeof fetch = () => {
          fetched = true;
          return Promise.reject(new Error('should not fetch'));
        };
        const r = await new Scraper({ url, timeoutMs: 1000, clock: systemClock, fetchImpl }).scrape();
        assertFailed(r);
        assert.match(onlyProblem(r), re);
        assert.equal(fetched, false);
      });
    }
  });

  it('turns anything a fetch implementation throws into a sentence', async () => {
    const fetchImpl = (() => Promise.reject('a string, not an Error')) as unknown as typeof fetch;
    const r = await new Scraper({ url: 'http://127.0.0.1:1/metrics', timeoutMs: 1000, clock: systemClock, fetchImpl }).scrape();
    assertFailed(r);
    assert.match(onlyProblem(r), /^Could not scrape http:\/\/127\.0\.0\.1:1\/metrics \(chatroomMonitor\.metrics\.url\): a string, not an Error/);
  });
});
