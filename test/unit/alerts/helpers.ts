import assert from 'node:assert/strict';
import { CompiledRule, validateRules } from '../../../src/core/alerts/rule';
import { AlertEngine } from '../../../src/core/alerts/engine';
import { AlertTransition } from '../../../src/core/alerts/alert';
import { Labels } from '../../../src/core/model';
import { SeriesStore } from '../../../src/core/store/seriesStore';
import { FakeClock, fakeClock } from '../helpers/fakeClock';

/** Compiles rules that must be valid; fails the test with the problems otherwise. */
export function compile(raw: unknown[]): CompiledRule[] {
  const { rules, problems } = validateRules(raw);
  assert.deepEqual(problems, []);
  assert.equal(rules.length, raw.length);
  return rules;
}

/** A store, a fake clock and an engine, advanced one tick (1 s by default) at a time. */
export class Rig {
  readonly clock: FakeClock = fakeClock();
  readonly store = new SeriesStore(600);
  readonly engine: AlertEngine;
  readonly all: AlertTransition[] = [];

  constructor(rules: CompiledRule[], readonly intervalMs = 1000) {
    this.engine = new AlertEngine(rules, this.clock);
    this.engine.onTransition((t) => this.all.push(t));
  }

  /** Moves the clock one interval, appends these samples, evaluates. */
  tick(samples: Record<string, number> | { name: string; labels?: Labels; value: number }[]): AlertTransition[] {
    this.clock.tick(this.intervalMs);
    const list = Array.isArray(samples)
      ? samples.map((s) => ({ name: s.name, labels: s.labels ?? {}, value: s.value }))
      : Object.entries(samples).map(([name, value]) => ({ name, labels: {}, value }));
    this.store.append(this.clock.now(), list);
    return this.engine.evaluate(this.store);
  }

  /** Ticks once per value of one unlabelled series; returns every transition. */
  run(metric: string, values: number[]): AlertTransition[] {
    const out: AlertTransition[] = [];
    for (const v of values) {
      out.push(...this.tick({ [metric]: v }));
    }
    return out;
  }
}

/** `ruleId:from>to` for compact assertions. */
export function brief(ts: readonly AlertTransition[]): string[] {
  return ts.map((t) => `${t.alert.ruleId}:${t.from}>${t.to}${t.notify ? '' : ' (quiet)'}`);
}
