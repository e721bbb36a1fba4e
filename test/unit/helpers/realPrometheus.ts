/**
 * Real parts for the Prometheus source's tests: Debian's `prometheus` binary on a free
 * loopback port with a generated config scraping example chat servers started here.
 * Every process started is stopped by its own pid (never by name: other agents' tests
 * share the machine).
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const PROMETHEUS_BIN = process.env.CRM_PROMETHEUS_BIN ?? '/usr/bin/prometheus';
/** Debian's prometheus package ships promtool beside it. */
const PROMTOOL_BIN = path.join(path.dirname(PROMETHEUS_BIN), 'promtool');

/** The repository root (tests run from out/test/…; the examples are not compiled). */
function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'examples', 'chat-server', 'server.js'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`examples/chat-server/server.js not found above ${__dirname}`);
    dir = up;
  }
  return dir;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface ChatServer {
  readonly port: number;
  readonly pid: number;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    const t = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** `node examples/chat-server/server.js --port 0` (extra args and env), once it listens. */
export function startChatServer(args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ChatServer> {
  const script = path.join(repoRoot(), 'examples', 'chat-server', 'server.js');
  const child = spawn(process.execPath, [script, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  return new Promise((resolve, reject) => {
    let out = '';
    // A server that never said it listens is stopped before the test fails: a cluster primary
    // left running keeps its workers too (found after a start timed out at load 17).
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void stopChild(child);
    }, 45_000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+) \(pid (\d+)\)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve({ port: Number(m[1]), pid: Number(m[2]), child, stop: () => stopChild(child) });
      }
    });
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(timedOut ? `the example chat server did not start within 45 s (stopped): ${out}` : `the example chat server exited (${code}): ${out}`));
    });
  });
}

export interface RealPrometheus {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Adds a target to a job (rewrites the config, SIGHUP) and waits for its first scrape. */
  addTarget(job: string, target: string): Promise<void>;
  removeTarget(job: string, target: string): Promise<void>;
  stop(): Promise<void>;
}

/** One instance's steady past for {@link steadyHistory}: CPU in % of a core, resident memory in bytes. */
export interface InstancePast {
  readonly instance: string;
  readonly cpuPercent: number;
  readonly rssBytes: number;
}

/**
 * OpenMetrics text of `job`'s instances running steadily over [fromMs, toMs], one
 * sample every `stepS` seconds: `process_cpu_seconds_total` rising at `cpuPercent`,
 * `process_resident_memory_bytes` and `up` = 1 — the series the Prometheus source reads.
 * For {@link startPrometheus}'s `history`: Prometheus then holds a past older than its
 * own first scrape, as a long-running one would.
 */
export function steadyHistory(job: string, instances: readonly InstancePast[], fromMs: number, toMs: number, stepS = 5): string {
  const times: number[] = [];
  for (let t = Math.ceil(fromMs / 1000); t * 1000 <= toMs; t += stepS) times.push(t);
  const family = (name: string, type: string, sample: string, value: (i: InstancePast, t: number) => number): string[] => [
    `# TYPE ${name} ${type}`,
    ...instances.flatMap((i) => times.map((t) => `${sample}{job=${JSON.stringify(job)},instance=${JSON.stringify(i.instance)}} ${value(i, t)} ${t}`)),
  ];
  return [
    ...family('process_cpu_seconds', 'counter', 'process_cpu_seconds_total', (i, t) => +(((t - times[0]!) * i.cpuPercent) / 100).toFixed(3)),
    ...family('process_resident_memory_bytes', 'gauge', 'process_resident_memory_bytes', (i) => i.rssBytes),
    ...family('up', 'gauge', 'up', () => 1),
    '# EOF',
    '',
  ].join('\n');
}

/**
 * Starts Prometheus scraping `targets` (host:port) as job `job` every `scrapeIntervalS`
 * seconds, and resolves when it is ready and has scraped every target once. `history`
 * (OpenMetrics text, e.g. {@link steadyHistory}) is written into its TSDB first with
 * `promtool tsdb create-blocks-from openmetrics`, Prometheus' own back-filling tool.
 */
export async function startPrometheus(jobs: Readonly<Record<string, readonly string[]>>, scrapeIntervalS = 2, history?: string): Promise<RealPrometheus> {
  if (!fs.existsSync(PROMETHEUS_BIN)) {
    throw new Error(`${PROMETHEUS_BIN} is missing: install Debian's prometheus package (.ci/run does).`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-prom-'));
  if (history !== undefined) {
    fs.writeFileSync(path.join(dir, 'history.om'), history);
    try {
      execFileSync(PROMTOOL_BIN, ['tsdb', 'create-blocks-from', 'openmetrics', path.join(dir, 'history.om'), path.join(dir, 'data')], { stdio: 'pipe', timeout: 60_000 });
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`promtool could not write the history: ${(e as { stderr?: Buffer }).stderr?.toString().slice(-500) ?? String(e)}`);
    }
  }
  const current: Record<string, string[]> = Object.fromEntries(Object.entries(jobs).map(([j, t]) => [j, [...t]]));
  const writeConfig = () => {
    const scrapeConfigs = Object.entries(current)
      .map(([job, targets]) => `  - job_name: ${JSON.stringify(job)}\n    static_configs:\n      - targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]`)
      .join('\n');
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), `global:\n  scrape_interval: ${scrapeIntervalS}s\n  scrape_timeout: ${scrapeIntervalS}s\nscrape_configs:\n${scrapeConfigs}\n`);
  };
  writeConfig();
  const port = await freePort();
  const child = spawn(
    PROMETHEUS_BIN,
    [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-2000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  const want = Object.values(jobs).reduce((n, t) => n + t.length, 0);
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited: ${err}`);
    }
    try {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent('count(up)')}`);
      const j = (await res.json()) as { data?: { result?: { value: [number, string] }[] } };
      if (Number(j.data?.result?.[0]?.value[1] ?? 0) >= want) {
        const reload = async (job: string, target: string, present: boolean) => {
          writeConfig();
          child.kill('SIGHUP');
          const q = `up{job=${JSON.stringify(job)},instance=${JSON.stringify(target)}}`;
          await until(`Prometheus to ${present ? 'scrape' : 'forget'} ${target}`, async () => {
            const r = (await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as { data?: { result?: unknown[] } };
            return (r.data?.result?.length ?? 0) > 0 === present;
          });
        };
        return {
          url,
          port,
          child,
          stop,
          addTarget: async (job, target) => {
            current[job] = [...(current[job] ?? []), target];
            await reload(job, target, true);
          },
          removeTarget: async (job, target) => {
            current[job] = (current[job] ?? []).filter((t) => t !== target);
            await reload(job, target, false);
          },
        };
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus at ${url} did not scrape its ${want} targets within 30 s: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Waits until `check` holds (polling), or fails with `what`. */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Resident memory of a pid from /proc (bytes). */
export function procRssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}
