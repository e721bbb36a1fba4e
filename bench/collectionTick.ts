/**
 * The collection tick (process sampler + system sampler, as the collector runs them)
 * against three ways of doing the same job, in interleaved rounds:
 *   - the floor, the physical limit (issue 20): the same /proc files read through
 *     descriptors opened once, into one shared buffer (pread at offset 0), plus the
 *     fd/ listing and statfs, with the least parsing that gets the same numbers;
 *     the same files opened each tick (the old floor) and with fs.promises are
 *     reported beside it;
 *   - the seed's Python monitor tick on psutil (/usr/bin/python3, timed by itself);
 *   - pidusage + systeminformation, including the CPU of the children they exec.
 * Headline: CPU µs per tick, median over rounds of each round's mean.
 */
import { promises as fsp, openSync, readdirSync, readFileSync, readSync, statfsSync } from 'node:fs';
import pidusage from 'pidusage';
import * as si from 'systeminformation';
import { ProcfsProcessSampler, processStatsToSamples } from '../src/core/process/processSampler';
import { ProcfsSystemSampler, systemStatsToSamples } from '../src/core/system/systemSampler';
import { BatchCost, costOfBatch, distributionOf, medianOf, perCall } from './lib/measure';
import { requireTarget } from './lib/context';
import { SeedPython } from './lib/python';
import { BenchContext, BenchRow, skippedRow } from './lib/row';

interface Sizes {
  readonly rounds: number;
  readonly warmupRounds: number;
  readonly ticksPerRound: number;
  readonly siTicksPerRound: number;
}

const FULL: Sizes = { rounds: 15, warmupRounds: 1, ticksPerRound: 100, siTicksPerRound: 8 };
const SMOKE: Sizes = { rounds: 1, warmupRounds: 0, ticksPerRound: 3, siTicksPerRound: 1 };

/** Our tick: both samplers concurrently (as the collector runs its sources) and their samples. */
function oursTick(pid: number, diskPath: string): () => Promise<number> {
  const proc = new ProcfsProcessSampler();
  const sys = new ProcfsSystemSampler({ diskPath });
  return async () => {
    const now = Date.now();
    const [p, s] = await Promise.all([proc.sample(pid, now), sys.sample(now)]);
    if (p.kind !== 'ok' || s.kind !== 'ok') {
      throw new Error(`a sampler failed: ${p.kind === 'ok' ? '' : p.message} ${s.kind === 'ok' ? '' : s.message}`);
    }
    return processStatsToSamples(p.stats).length + systemStatsToSamples(s.stats).length;
  };
}

/** The least parsing that gets the same numbers, no objects beyond them. */
function minimalParse(texts: readonly string[], fds: number, fs: { blocks: number; bfree: number; bsize: number }): number {
  const [stat = '', status = '', limits = '', uptime = '', sysStat = '', mem = '', net = ''] = texts;
  const num = (text: string, key: string): number => {
    const i = text.indexOf(key);
    return i < 0 ? Number.NaN : parseInt(text.slice(i + key.length).trimStart(), 10);
  };
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuTicks = Number(f[11]) + Number(f[12]);
  const cpuLine = sysStat.slice(4, sysStat.indexOf('\n')).trim().split(' ');
  let rx = 0;
  for (const line of net.split('\n').slice(2)) {
    const c = line.indexOf(':');
    if (c > 0 && !line.startsWith('lo:', line.search(/\S/))) {
      rx += parseInt(line.slice(c + 1), 10) || 0;
    }
  }
  const values = [
    cpuTicks,
    num(status, 'VmRSS:'),
    num(status, 'Threads:'),
    num(limits, 'Max open files'),
    parseFloat(uptime),
    fds,
    Number(cpuLine[0]) + Number(cpuLine[3]),
    num(mem, 'MemTotal:') - num(mem, 'MemAvailable:'),
    rx,
    (fs.blocks - fs.bfree) * fs.bsize,
  ];
  return values.length;
}

/** The same reads with fs.promises (how the samplers read before issue 7), minimal parsing. */
function asyncFloorTick(pid: number, diskPath: string): () => Promise<number> {
  return async () => {
    const [stat, status, limits, uptime, fds, sysStat, mem, net, fs] = await Promise.all([
      fsp.readFile(`/proc/${pid}/stat`, 'utf8'),
      fsp.readFile(`/proc/${pid}/status`, 'utf8'),
      fsp.readFile(`/proc/${pid}/limits`, 'utf8'),
      fsp.readFile('/proc/uptime', 'utf8'),
      fsp.readdir(`/proc/${pid}/fd`),
      fsp.readFile('/proc/stat', 'utf8'),
      fsp.readFile('/proc/meminfo', 'utf8'),
      fsp.readFile('/proc/net/dev', 'utf8'),
      fsp.statfs(diskPath),
    ]);
    return minimalParse([stat, status, limits, uptime, sysStat, mem, net], fds.length, fs);
  };
}

/**
 * The floor: the same files with blocking reads, minimal parsing. Not a way the
 * extension host should read files in general, but /proc files are generated in
 * memory and never wait on a disk (see readProcFileSync).
 */
function floorTick(pid: number, diskPath: string): () => number {
  return () => {
    const texts = [
      readFileSync(`/proc/${pid}/stat`, 'utf8'),
      readFileSync(`/proc/${pid}/status`, 'utf8'),
      readFileSync(`/proc/${pid}/limits`, 'utf8'),
      readFileSync('/proc/uptime', 'utf8'),
      readFileSync('/proc/stat', 'utf8'),
      readFileSync('/proc/meminfo', 'utf8'),
      readFileSync('/proc/net/dev', 'utf8'),
    ];
    return minimalParse(texts, readdirSync(`/proc/${pid}/fd`).length, statfsSync(diskPath));
  };
}

/**
 * The physical floor: each file opened once and re-read with one pread into one
 * shared buffer; only the fd/ listing (no kept-open directory in Node) and statfs
 * are per tick. Nothing the monitor can do costs less than these system calls.
 */
export function keptOpenFloorTick(pid: number, diskPath: string): () => number {
  const paths = [`/proc/${pid}/stat`, `/proc/${pid}/status`, `/proc/${pid}/limits`, '/proc/uptime', '/proc/stat', '/proc/meminfo', '/proc/net/dev'];
  const fds = paths.map((p) => openSync(p, 'r'));
  const buf = Buffer.allocUnsafe(256 * 1024);
  return () => {
    const texts: string[] = [];
    let at = 0;
    for (const fd of fds) {
      let n = 0;
      let got: number;
      while ((got = readSync(fd, buf, at + n, buf.length - at - n, n)) > 0) n += got;
      texts.push(buf.toString('latin1', at, at + n));
      at += n;
    }
    return minimalParse(texts, readdirSync(`/proc/${pid}/fd`).length, statfsSync(diskPath));
  };
}

/** pidusage + systeminformation doing the same job. */
function libsTick(pid: number): () => Promise<number> {
  return async () => {
    const [load, mem, disks, nets, usage] = await Promise.all([si.currentLoad(), si.mem(), si.fsSize(), si.networkStats(), pidusage(pid)]);
    return [load.currentLoad, mem.available, disks.length, nets.length, usage.cpu].length;
  };
}

interface PyTick {
  readonly cpuS: number;
  readonly wallS: number;
  readonly n: number;
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const sizes = ctx.smoke ? SMOKE : FULL;
  const { pid } = requireTarget(ctx);
  const diskPath = ctx.repoRoot;
  const ours = oursTick(pid, diskPath);
  const floor = keptOpenFloorTick(pid, diskPath);
  const openEachTick = floorTick(pid, diskPath);
  const asyncFloor = asyncFloorTick(pid, diskPath);
  const libs = libsTick(pid);

  const py = SeedPython.start(ctx.repoRoot);
  let pyProblem = typeof py === 'string' ? py : undefined;
  let pyVersion: string | undefined;
  if (typeof py !== 'string') {
    const init = await py.call<{ ok: boolean; psutil?: string; error?: string }>({ cmd: 'init', pid, diskPath });
    pyVersion = init.psutil;
    if (!init.ok) {
      pyProblem = `${init.error ?? 'seedMonitor.py could not start'}; the psutil row is skipped.`;
    }
  }

  // First calls prime the CPU baselines and load the libraries.
  await ours();
  floor();
  openEachTick();
  await asyncFloor();
  await libs();

  const oursRounds: BatchCost[] = [];
  const floorRounds: BatchCost[] = [];
  const asyncFloorRounds: BatchCost[] = [];
  const openEachTickRounds: BatchCost[] = [];
  const libsRounds: BatchCost[] = [];
  const pyRounds: PyTick[] = [];
  const pyOneshotRounds: PyTick[] = [];
  const oursPerTickCpu: number[] = [];
  const oursPerTickWall: number[] = [];
  try {
    for (let r = 0; r < sizes.warmupRounds + sizes.rounds; r++) {
      const keep = r >= sizes.warmupRounds;
      const a = await costOfBatch(sizes.ticksPerRound, ours);
      const b = await costOfBatch(sizes.ticksPerRound, floor);
      const bAsync = await costOfBatch(sizes.ticksPerRound, asyncFloor);
      const bOpen = await costOfBatch(sizes.ticksPerRound, openEachTick);
      const c = await costOfBatch(sizes.siTicksPerRound, libs);
      let d: PyTick | undefined;
      let e: PyTick | undefined;
      if (typeof py !== 'string' && !pyProblem) {
        d = await py.call<PyTick>({ cmd: 'tick', n: sizes.ticksPerRound });
        e = await py.call<PyTick>({ cmd: 'tick', n: sizes.ticksPerRound, oneshot: true });
      }
      // Individual ticks for the tail (p99), in the same round.
      const single = await perCall(Math.min(20, sizes.ticksPerRound), ours);
      if (keep) {
        oursRounds.push(a);
        floorRounds.push(b);
        asyncFloorRounds.push(bAsync);
        openEachTickRounds.push(bOpen);
        libsRounds.push(c);
        if (d && e) {
          pyRounds.push(d);
          pyOneshotRounds.push(e);
        }
        oursPerTickCpu.push(...single.cpuUs);
        oursPerTickWall.push(...single.wallMs);
      }
    }
  } finally {
    if (typeof py !== 'string') {
      await py.stop();
    }
  }

  const cpu = (xs: readonly BatchCost[]) => medianOf(xs.map((x) => x.cpuUsPerOp));
  const wall = (xs: readonly BatchCost[]) => medianOf(xs.map((x) => x.wallMsPerOp));
  const pairRatio = (num: (i: number) => number, den: (i: number) => number, n: number) =>
    medianOf(Array.from({ length: n }, (_, i) => num(i) / den(i)));
  const oursCpu = cpu(oursRounds);
  const oursFigure = { value: oursCpu, unit: 'µs', what: 'CPU/tick', p99: distributionOf(oursPerTickCpu).p99 };
  const oursRaw = {
    rounds: sizes.rounds,
    ticksPerRound: sizes.ticksPerRound,
    cpuUsPerTickByRound: oursRounds.map((x) => x.cpuUsPerOp),
    wallMsPerTick: wall(oursRounds),
    singleTickCpuUs: distributionOf(oursPerTickCpu),
    singleTickWallMs: distributionOf(oursPerTickWall),
  };

  const rows: BenchRow[] = [];
  const floorCpu = cpu(floorRounds);
  const floorRatio = pairRatio((i) => oursRounds[i]!.cpuUsPerOp, (i) => floorRounds[i]!.cpuUsPerOp, oursRounds.length);
  rows.push({
    id: 'tick.floor',
    figure: 'collection tick vs the physical floor (kept-open /proc fds, one buffer, + statfs)',
    ours: oursFigure,
    comparison: { label: 'floor', value: floorCpu, unit: 'µs', what: 'CPU/tick' },
    ratio: floorRatio,
    ratioMeaning: 'ours ÷ floor (CPU)',
    budget: { text: '≤ 1.5× floor', holds: floorRatio <= 1.5 },
    note:
      `floor: the same files through descriptors opened once, one pread each into one buffer, minimal parsing; ` +
      `opened each tick the same reads cost ${cpu(openEachTickRounds).toFixed(0)} µs CPU/tick, with fs.promises ${cpu(asyncFloorRounds).toFixed(0)} µs.`,
    raw: {
      ours: oursRaw,
      floor: { cpuUsPerTickByRound: floorRounds.map((x) => x.cpuUsPerOp), wallMsPerTick: wall(floorRounds) },
      asyncFloor: { cpuUsPerTickByRound: asyncFloorRounds.map((x) => x.cpuUsPerOp), wallMsPerTick: wall(asyncFloorRounds) },
      openEachTick: { cpuUsPerTickByRound: openEachTickRounds.map((x) => x.cpuUsPerOp), wallMsPerTick: wall(openEachTickRounds) },
    },
  });

  if (pyProblem || pyRounds.length === 0) {
    rows.push(skippedRow('tick.psutil', 'collection tick vs seed Python tick (psutil)', 'ratio < 1', pyProblem ?? 'no psutil rounds ran.'));
  } else {
    const pyCpu = medianOf(pyRounds.map((x) => (x.cpuS * 1e6) / x.n));
    const ratio = pairRatio((i) => oursRounds[i]!.cpuUsPerOp, (i) => (pyRounds[i]!.cpuS * 1e6) / pyRounds[i]!.n, pyRounds.length);
    rows.push({
      id: 'tick.psutil',
      figure: 'collection tick vs seed Python tick (psutil)',
      ours: oursFigure,
      comparison: { label: `psutil ${pyVersion ?? ''}`.trim(), value: pyCpu, unit: 'µs', what: 'CPU/tick' },
      ratio,
      ratioMeaning: 'ours ÷ psutil (CPU)',
      budget: { text: '< 1 (cheaper)', holds: ratio < 1 },
      note: 'psutil tick timed by Python itself (time.process_time); one Process object kept so cpu_percent works.',
      raw: {
        psutilVersion: pyVersion,
        cpuUsPerTickByRound: pyRounds.map((x) => (x.cpuS * 1e6) / x.n),
        wallMsPerTick: medianOf(pyRounds.map((x) => (x.wallS * 1e3) / x.n)),
        oneshotCpuUsPerTick: medianOf(pyOneshotRounds.map((x) => (x.cpuS * 1e6) / x.n)),
      },
    });
  }

  const libsCpu = cpu(libsRounds);
  const libsRatio = pairRatio((i) => libsRounds[i]!.cpuUsPerOp, (i) => oursRounds[i]!.cpuUsPerOp, oursRounds.length);
  rows.push({
    id: 'tick.libs',
    figure: 'collection tick vs pidusage + systeminformation',
    ours: oursFigure,
    comparison: { label: 'pidusage+si', value: libsCpu, unit: 'µs', what: 'CPU/tick incl. children' },
    ratio: libsRatio,
    ratioMeaning: 'theirs ÷ ours (CPU)',
    budget: { text: '≥ 10× less CPU', holds: libsRatio >= 10 },
    note: ctx.smoke ? undefined : 'children (df, cat…) counted from /proc/self/stat cutime+cstime (10 ms resolution, over many ticks).',
    raw: {
      cpuUsPerTickByRound: libsRounds.map((x) => x.cpuUsPerOp),
      childCpuUsPerTickByRound: libsRounds.map((x) => x.childCpuUsPerOp),
      wallMsPerTick: wall(libsRounds),
      ticksPerRound: sizes.siTicksPerRound,
    },
  });
  return rows;
}
