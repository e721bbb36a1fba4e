#!/usr/bin/env node
// Records what a REAL Prometheus does with every body of the conformance corpus
// (test/conformance/corpus): whether it accepts or rejects the scrape, its error
// text, and every sample it stored (name, labels, value, timestamp).
//
//   node scripts/record-prometheus.mjs [--prometheus /usr/bin/prometheus]
//
// How: serves each body on 127.0.0.1 with the Content-Type of its format
// (`.prom` → text/plain; version=0.0.4, `.om` → application/openmetrics-text;
// version=1.0.0), starts one Prometheus with one scrape job per body, waits until
// every target was scraped, then reads `/api/v1/targets` (health, lastError) and
// `/api/v1/query` (`{job="…"}[200y]`: every stored point) back. Writes
// test/conformance/expected.json, which the conformance level compares our parser
// with. Needs no network beyond loopback; stops only the Prometheus it started.
//
// Why one Prometheus and an out-of-order window: a fresh TSDB would drop a
// sample older than an hour before the newest one (out of bounds), which is the
// database's rule, not the parser's; `out_of_order_time_window: 100y` keeps every
// parsed sample, so what is read back is what the parser produced.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpusDir = path.join(root, 'test', 'conformance', 'corpus');
const outFile = path.join(root, 'test', 'conformance', 'expected.json');
const argi = process.argv.indexOf('--prometheus');
const prometheusBin = argi > 0 ? process.argv[argi + 1] : '/usr/bin/prometheus';

const CONTENT_TYPES = {
  '.prom': 'text/plain; version=0.0.4; charset=utf-8',
  '.om': 'application/openmetrics-text; version=1.0.0; charset=utf-8',
};
/** Series Prometheus writes about each scrape itself, not from the body. */
const SCRAPE_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added']);

function corpus() {
  const cases = [];
  for (const sub of fs.readdirSync(corpusDir).sort()) {
    const d = path.join(corpusDir, sub);
    if (!fs.statSync(d).isDirectory()) {
      continue;
    }
    for (const f of fs.readdirSync(d).sort()) {
      const ext = path.extname(f);
      if (CONTENT_TYPES[ext]) {
        cases.push({ id: `${sub}/${f}`, body: fs.readFileSync(path.join(d, f)), contentType: CONTENT_TYPES[ext] });
      }
    }
  }
  return cases;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function getJson(url) {
  const res = await fetch(url);
  const j = await res.json();
  if (j.status !== 'success') {
    throw new Error(`${url}: ${JSON.stringify(j).slice(0, 300)}`);
  }
  return j.data;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const cases = corpus();
  const server = http.createServer((req, res) => {
    const m = /^\/c\/(\d+)$/.exec(req.url ?? '');
    const c = m ? cases[Number(m[1])] : undefined;
    if (!c) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': c.contentType, 'Content-Length': c.body.length });
    res.end(c.body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const bodyPort = server.address().port;
  const promPort = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'record-prometheus-'));
  const jobs = cases.map((c, i) => `  - job_name: c${i}\n    metrics_path: /c/${i}\n    static_configs:\n      - targets: ['127.0.0.1:${bodyPort}']\n`);
  fs.writeFileSync(
    path.join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nstorage:\n  tsdb:\n    out_of_order_time_window: 100y\nscrape_configs:\n${jobs.join('')}`,
  );
  const version = execFileSync(prometheusBin, ['--version'], { encoding: 'utf8' }).split('\n')[0];
  console.log(`${version}; ${cases.length} bodies`);
  const prom = spawn(
    prometheusBin,
    [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  let log = '';
  prom.stderr.on('data', (d) => (log += d));
  const api = `http://127.0.0.1:${promPort}/api/v1`;
  try {
    let targets;
    for (let t = 0; ; t++) {
      await sleep(1000);
      try {
        targets = (await getJson(`${api}/targets?state=active`)).activeTargets;
      } catch {
        if (t > 60) throw new Error(`Prometheus did not start:\n${log}`);
        continue;
      }
      const scraped = targets.filter((x) => x.health !== 'unknown' && !x.lastScrape.startsWith('0001'));
      if (scraped.length === cases.length) break;
      if (t > 120) throw new Error(`only ${scraped.length} of ${cases.length} targets scraped after 2 min`);
    }
    await sleep(1500); // every target scraped at least once more, so reads see committed data
    targets = (await getJson(`${api}/targets?state=active`)).activeTargets;
    const byJob = new Map(targets.map((x) => [x.scrapePool, x]));
    const expected = {};
    const at = Date.UTC(2100, 0, 1) / 1000;
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i];
      const target = byJob.get(`c${i}`);
      const q = encodeURIComponent(`{job="c${i}"}[200y]`);
      const matrix = await getJson(`${api}/query?query=${q}&time=${at}`);
      const upTimes = new Set();
      for (const s of matrix.result) {
        if (s.metric.__name__ === 'up') s.values.forEach(([t]) => upTimes.add(Math.round(t * 1000)));
      }
      const samples = [];
      for (const s of matrix.result) {
        const { __name__: name, job, instance, ...rest } = s.metric;
        if (SCRAPE_SERIES.has(name)) continue;
        void job;
        void instance;
        // Target labels win; the body's own `job`/`instance` were kept as exported_*.
        const labels = {};
        for (const [k, v] of Object.entries(rest)) labels[k.startsWith('exported_') ? k.slice(9) : k] = v;
        // A point at the time of a scrape (`up`'s times) is a sample without its own
        // timestamp: one per scrape of the same body, the same value, recorded once.
        const points = s.values.map(([t, v]) => [Math.round(t * 1000), v]);
        const atScrape = points.filter(([t]) => upTimes.has(t));
        if (atScrape.length > 0) {
          samples.push({ name, labels, value: atScrape[atScrape.length - 1][1], timestampMs: null });
        }
        for (const [t, v] of points) if (!upTimes.has(t)) samples.push({ name, labels, value: v, timestampMs: t });
      }
      samples.sort((a, b) => (JSON.stringify([a.name, a.labels, a.timestampMs]) < JSON.stringify([b.name, b.labels, b.timestampMs]) ? -1 : 1));
      expected[c.id] = {
        format: c.id.endsWith('.om') ? 'openmetrics' : 'prometheus',
        verdict: target.health === 'up' ? 'accept' : 'reject',
        ...(target.health === 'up' ? {} : { error: target.lastError }),
        samples,
      };
    }
    fs.writeFileSync(
      outFile,
      JSON.stringify({ recordedWith: version, recordedAt: new Date().toISOString().slice(0, 10), bodies: expected }, null, 1) + '\n',
    );
    const rejected = Object.values(expected).filter((e) => e.verdict === 'reject').length;
    console.log(`wrote ${path.relative(root, outFile)}: ${cases.length} bodies, ${cases.length - rejected} accepted, ${rejected} rejected`);
  } finally {
    try {
      process.kill(-prom.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    server.close();
    await sleep(500);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
