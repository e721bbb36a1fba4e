/**
 * Alert evaluation of 200 rules per tick against a store of 100 series whose values
 * change every tick (a random walk through the thresholds, so alerts go pending,
 * fire and resolve). The rules mix plain, exact, regex and negative label matchers,
 * `for` durations and hysteresis, as users write them.
 */
import { AlertEngine } from '../src/core/alerts/engine';
import { validateRules } from '../src/core/alerts/rule';
import { Clock } from '../src/core/clock';
import { Sample } from '../src/core/model';
import { SeriesStore } from '../src/core/store/seriesStore';
import { distributionOf } from './lib/measure';
import { BenchContext, BenchRow } from './lib/row';
import { seededRandom } from './lib/seeded';

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const ticks = ctx.smoke ? 5 : 6000;
  const warmup = ctx.smoke ? 0 : 500;
  let now = Date.UTC(2026, 0, 1);
  const clock: Clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => undefined };
  const store = new SeriesStore(600);
  const rooms = ['a', 'b', 'c', 'd', 'e'];
  const names = Array.from({ length: 20 }, (_, i) => `chat_m${i}_percent`);
  const series = names.flatMap((name) => rooms.map((room) => ({ name, labels: { room } })));
  const matchers = [undefined, { room: 'a' }, { room: '=~a|b|c' }, { room: '!=e' }];
  const levels = ['info', 'warning', 'error', 'critical'];
  const raw = Array.from({ length: 200 }, (_, i) => ({
    id: `r${i}`,
    metric: names[i % names.length],
    ...(matchers[i % 4] ? { labels: matchers[i % 4] } : {}),
    op: '>',
    threshold: 50 + (i % 40),
    clearThreshold: 40 + (i % 40),
    for: i % 2 ? '10s' : 0,
    level: levels[i % 4],
  }));
  const { rules, problems } = validateRules(raw);
  if (problems.length > 0) {
    throw new Error(problems.join(' '));
  }
  const engine = new AlertEngine(rules, clock);
  const rnd = seededRandom(11);
  const walk = series.map(() => 50 + rnd() * 40);
  const wallUs: number[] = [];
  const cpuUs: number[] = [];
  let transitions = 0;
  let maxActive = 0;
  for (let t = 0; t < warmup + ticks; t++) {
    now += 1000;
    const samples: Sample[] = series.map((s, i) => ({ ...s, value: (walk[i] = Math.min(100, Math.max(0, walk[i]! + (rnd() - 0.5) * 6))) }));
    store.append(now, samples);
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    transitions += engine.evaluate(store, now).length;
    const w = performance.now() - w0;
    const c = process.cpuUsage(c0);
    if (t >= warmup) {
      wallUs.push(w * 1000);
      cpuUs.push(c.user + c.system);
    }
    if (t % 100 === 0) {
      maxActive = Math.max(maxActive, engine.active().length);
    }
  }
  const wall = distributionOf(wallUs);
  const cpu = distributionOf(cpuUs);
  return [
    {
      id: 'alerts.evaluate',
      figure: `alert evaluation, ${rules.length} rules × ${store.seriesCount} series per tick`,
      ours: { value: wall.median / 1000, unit: 'ms', what: 'per tick', p99: wall.p99 / 1000 },
      budget: { text: '≤ 1 ms', holds: wall.median / 1000 <= 1 },
      note: `${transitions} transitions over ${ticks} ticks; CPU median ${(cpu.median / 1000).toFixed(3)} ms.`,
      raw: { rules: rules.length, series: store.seriesCount, ticks, transitions, maxActiveSampled: maxActive, wallUs: wall, cpuUs: cpu },
    },
  ];
}
