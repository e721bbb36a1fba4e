import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { systemClock } from '../../../src/core/clock';
import { ScrapeDeriver } from '../../../src/core/scrape/derive';
import { Cancellation } from '../../../src/core/scrape/httpGet';
import { isLineProblem, parseExposition } from '../../../src/core/scrape/parser';
import { verdictSentence } from '../../../src/core/scrape/promVerdict';
import { Scraper } from '../../../src/core/scrape/scraper';
import { SocketHttpGetter } from '../../../src/core/scrape/socketHttp';
import { assertChinese, englishLiterals, inZhCn, inZhCnAsync } from '../helpers/zhCn';

/**
 * What a bad metrics body or a bad HTTP answer says — the parser's, derive's and the
 * socket client's sentences, which the "source failing" line and the status tooltip quote —
 * follows the display language. Prometheus' own reasons in a verdict stay as Prometheus
 * writes them (promVerdict.ts); the sentence around them is ours.
 */


/** Quoted server text, metric and label names, and the format's own words, which Chinese writes as typed. */
const AS_TYPED = [/"[^"]*"|'[^']*'|\b(?:counter|gauge|histogram|summary|untyped|unknown|info|stateset|gaugehistogram|quantile|le|OpenMetrics|UTF|FFFD|Inf|NaN|EOF|KB|Content-Length|chunk|label name|is not unique|HELP|TYPE)\b|\b[a-z_]+(?:_[a-z]+)+\b|\b(?:bad|up_g|m|x|a)\b|https?:\/\/\S+|chatroomMonitor\.[\w.]+/g];

describe('a bad metrics body or HTTP answer, in Simplified Chinese', () => {
  it("no sentence of the parser, derive or the HTTP clients is written outside l10n.t (Prometheus' own reasons in promVerdict.ts aside)", () => {
    const files = ['src/core/scrape/parser.ts', 'src/core/scrape/derive.ts', 'src/core/scrape/socketHttp.ts', 'src/core/scrape/httpGet.ts', 'src/core/scrape/scraper.ts'];
    assert.deepEqual(files.flatMap((f) => englishLiterals(f)), []);
  });

  it("each of the parser's problems reads in Chinese, and a line's is still known as a line's", () => {
    const bodies = [
      '# HELP 9x help\n# TYPE a countr\n{a="1"} 1\n-x 1\nm\nm x\nm 1 x\nm 1 2 3\n',
      'm{a} 1\nm{a=1} 1\nm{a="1",a="2"} 1\nm{__name__="m"} 1\nm{a="1" b} 1\nm{a="1"\nm{1a="b"} 1\n',
      'm{a="x\\\n',
    ];
    const zh = inZhCn(() => bodies.flatMap((b) => parseExposition(b, { maxProblems: 100 }).problems));
    assert.ok(zh.length >= 14, zh.join('\n'));
    for (const p of zh) {
      assertChinese(p, AS_TYPED);
      assert.ok(inZhCn(() => isLineProblem(p)), p);
    }
    assert.ok(zh.includes('第 2 行：a 的指标类型 "countr" 无法识别——请使用 counter、gauge、histogram、summary 或 untyped（OpenMetrics 另有 unknown、info、stateset、gaugehistogram）'), zh.join('\n'));
    assert.ok(zh.includes('第 3 行：m：标签 a 出现了两次'), zh.join('\n'));
    const om = inZhCn(() => parseExposition('# TYPE up_g gauge\nup_g 1\n', { format: 'openmetrics' }).problems);
    assert.deepEqual(om, ["OpenMetrics 指标内容在第 2 行之后就结束了，没有 '# EOF'——可能被截断了。"]);
    assert.equal(inZhCn(() => isLineProblem(om[0]!)), false);
    const many = inZhCn(() => parseExposition('x{\n'.repeat(5), { maxProblems: 2 }).problems);
    assert.equal(many[2], '……另有 3 行有误，也像上面那些一样跳过了。');
    // English unchanged.
    assert.match(parseExposition(bodies[1]!).problems[2]!, /^line 3: m: label a appears twice$/);
    assert.equal(isLineProblem('line 3: m: label a appears twice'), true);
  });

  it("a scrape's bad lines and derive's problems reach the source's problems in Chinese", async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('good 1\nbad{x=1} 1\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\nh_sum 1\n# TYPE s summary\ns{quantile="2"} 1\ns_count 1\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/metrics`;
    try {
      const scraper = new Scraper({ url, timeoutMs: 2000, clock: systemClock });
      const messages = await inZhCnAsync(async () => (await scraper.scrape()).problems.map((p) => p.message));
      scraper.dispose();
      assert.ok(messages.includes(`${url} 有一行格式错误，已跳过——第 2 行：bad：标签 x 的值没有加引号——请写成 x="value"`), messages.join('\n'));
      assert.ok(messages.includes(`${url}：histogram h 没有 le="+Inf" 桶，因此无法计算它的分位数。`), messages.join('\n'));
      assert.ok(messages.includes(`${url}：summary s 有一个样本缺少 0 到 1 之间的 quantile 标签，已跳过。`), messages.join('\n'));
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const untracked = inZhCn(() => new ScrapeDeriver({ maxTrackedSeries: 1 }).derive(parseExposition('# TYPE c counter\nc_total{a="1"} 1\nc_total{a="2"} 1\n').families, 1000).problems);
    assert.deepEqual(untracked, ['有 1 个 counter 或 histogram 序列没有计算速率，因为已经在跟踪 1 个序列——服务器暴露的标签取值太多了。']);
  });

  it("the HTTP client's protocol errors are Chinese, with their codes as before", async () => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.once('data', () => socket.write('SSH-2.0-OpenSSH\r\n\r\n'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = new URL(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}/metrics`);
    const g = new SocketHttpGetter();
    try {
      await inZhCnAsync(() => assert.rejects(g.get(url, {}, new Cancellation()), { code: 'HPE_INVALID_CONSTANT', message: '响应没有以 HTTP/1.x 状态行开头' }));
    } finally {
      g.dispose();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("Prometheus' verdict: our sentence in Chinese around Prometheus' own reason", () => {
    const v = parseExposition('m{a="1",a="2"} 1\n').verdict;
    const zh = inZhCn(() => verdictSentence(v));
    assert.match(zh!, /^Prometheus 会拒绝这次抓取：第 1 行：/);
    assert.equal(zh!.replace(/^Prometheus 会拒绝这次抓取：第 1 行：/, ''), verdictSentence(v)!.replace(/^Prometheus would reject this scrape: line 1: /, ''));
  });
});
