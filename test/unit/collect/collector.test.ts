import assert from 'node:assert/strict';
import { Collector, CollectorLogEvent, joinFinite } from '../../../src/core/collect/collector';
import { LocateResult, Locator, TargetTracker, TargetWatch, TrackerUpdate } from '../../../src/core/collect/targetTracker';
import { TickSource } from '../../../src/core/collect/tickSource';
import { Metric, Sample, Snapshot, TargetProcess } from '../../../src/core/model';
import { SourceSpan } from '../../../src/core/store/seriesStore';
import { SeriesStore } from '../../../src/core/store/seriesStore';
import { fakeClock } from '../helpers/fakeClock';

/** A scriptable locator: which pid listens now, as the test says. */
class ScriptedLocator implements Locator {
  pid: number | undefined = 100;
  async locate(): Promise<LocateResult> {
    if (this.pid === undefined) {
      return { ok: false, message: 'No process listens on TCP port 8080 (chatroomMonitor.target.port).', setting: 'chatroomMonitor.target.port' };
    }
    return { ok: true, process: proc(this.pid) };
  }
  async isSameProcess(pid: number): Promise<boolean> {
    return pid === this.pid;
  }
}

function proc(pid: number): TargetProcess {
  return { pid, commandLine: 'node server.js', executable: 'node', ports: [8080], startTimeMs: pid, reason: `pid ${pid} (node server.js) listens on port 8080` };
}

function constantSource(id: string, value: number): TickSource {
  return { id, collect: async () => ({ samples: [{ name: `${id}_value`, labels: {}, value }], problems: [] }) };
}

function setup(sources: TickSource[], locator = new ScriptedLocator()) {
  const clock = fakeClock();
  const store = new SeriesStore(100);
  const tracker = new TargetTracker(locator, { port: 8080 });
  const collector = new Collector({ clock, intervalMs: 1000, store, tracker, sources });
  const snapshots: Snapshot[] = [];
  const logs: CollectorLogEvent[] = [];
  collector.onSnapshot((s) => snapshots.push(s));
  collector.onLog((l) => logs.push(l));
  return { clock, store, collector, snapshots, logs, locator };
}

describe('Collector', () => {
  it('ticks once per interval on the injected clock and emits one snapshot per tick', async () => {
    const { clock, collector, snapshots, store } = setup([constantSource('a', 1)]);
    collector.start();
    await clock.tickAsync(4500);
    await collector.stop();
    assert.equal(snapshots.length, 5); // t=0,1,2,3,4 s
    assert.deepEqual(snapshots.map((s) => s.tick), [1, 2, 3, 4, 5]);
    assert.equal(store.length('a_value'), 5);
    assert.equal(store.latestValue(Metric.targetUp), 1);
  });

  it('a failing source fails alone and says why; the others keep collecting', async () => {
    const broken: TickSource = { id: 'scrape', collect: async () => Promise.reject(new Error('socket hang up')) };
    const { clock, collector, snapshots, store, logs } = setup([broken, constantSource('system', 7)]);
    collector.start();
    await clock.tickAsync(2500);
    await collector.stop();
    const last = snapshots.at(-1)!;
    assert.equal(store.latestValue('system_value'), 7);
    assert.match(last.problems.map((p) => p.message).join(' '), /scrape source failed: socket hang up/);
    assert.equal(logs.filter((l) => /socket hang up/.test(l.message)).length, 1, 'logged once, not every tick');
  });

  it('never overlaps ticks: a slow source makes the next tick be skipped and counted', async () => {
    let calls = 0;
    const { clock } = setup([]);
    const slow: TickSource = {
      id: 'slow',
      collect: () => {
        calls++;
        return new Promise((resolve) => clock.setTimeout(() => resolve({ samples: [], problems: [] }), 2500));
      },
    };
    const store = new SeriesStore(10);
    const collector = new Collector({ clock, intervalMs: 1000, store, tracker: new TargetTracker(new ScriptedLocator(), { port: 1 }), sources: [slow] });
    collector.start();
    await clock.tickAsync(5000);
    const stopped = collector.stop();
    await clock.tickAsync(3000); // let the tick in flight finish
    await stopped;
    assert.ok(calls <= 2, `at most one source call per 2.5 s, got ${calls}`);
    assert.ok(collector.skippedTicks >= 2, `skipped ${collector.skippedTicks}`);
  });

  it('notices exit and re-finds a restarted server with a new PID within 2 ticks', async () => {
    const { clock, collector, snapshots, logs, locator, store } = setup([]);
    collector.start();
    await clock.tickAsync(1500);
    assert.equal(snapshots.at(-1)!.target.kind, 'running');
    locator.pid = undefined; // the server is killed
    await clock.tickAsync(1000);
    assert.equal(snapshots.at(-1)!.target.kind, 'notRunning');
    assert.equal(store.latestValue(Metric.targetUp), 0);
    locator.pid = 200; // started again, new pid
    await clock.tickAsync(1000);
    await collector.stop();
    const last = snapshots.at(-1)!;
    assert.equal(last.target.kind, 'running');
    assert.equal(last.target.kind === 'running' && last.target.process.pid, 200);
    assert.equal(store.latestValue(Metric.targetRestarts), 1);
    assert.ok(logs.some((l) => /exited/.test(l.message)));
    assert.ok(logs.some((l) => /Restarted: now watching pid 200/.test(l.message)));
  });

  it('reports an unconfigured target as a sentence that says what to do', async () => {
    const clock = fakeClock();
    const collector = new Collector({ clock, intervalMs: 1000, store: new SeriesStore(10), tracker: new TargetTracker(new ScriptedLocator(), {}), sources: [] });
    await collector.tickNow();
    const t = collector.targetState;
    assert.equal(t.kind, 'unconfigured');
    assert.match(t.kind === 'unconfigured' ? t.message : '', /Select Process to Watch/);
  });

  it("joins the sources' finite samples in order, with where each source's end, reading each list by index", () => {
    // By index, not for-of: code not yet optimised made one iterator result per sample
    // (~590 KiB a tick at 10,000 scraped series, issue 11). A list whose iterator throws
    // stands for that.
    const noIterator = (samples: Sample[]): Sample[] =>
      Object.defineProperty(samples, Symbol.iterator, {
        value: () => {
          throw new Error('read through the iterator');
        },
      });
    const s = (name: string, value: number): Sample => ({ name, labels: {}, value });
    const spans: SourceSpan[] = [];
    const out = joinFinite(
      [
        { source: 'target', samples: noIterator([s('up', 1)]) },
        { source: 'scrape', samples: noIterator([s('a', 2), s('b', Number.NaN), s('c', Infinity), s('d', 3)]) },
        { source: 'empty', samples: noIterator([]) },
        { source: 'system', samples: noIterator([s('e', -0.5)]) },
      ],
      spans,
    );
    assert.deepEqual(
      out.map((x) => x.name),
      ['up', 'a', 'd', 'e'],
    );
    assert.equal(out.length, 4);
    assert.deepEqual(spans, [
      { source: 'target', end: 1 },
      { source: 'scrape', end: 3 },
      { source: 'empty', end: 3 },
      { source: 'system', end: 4 },
    ]);
  });

  it("fills the array of the tick before last: the latest snapshot and the one before read true, and no array is made a tick", async () => {
    let v = 0;
    const counting: TickSource = { id: 'c', collect: async () => ({ samples: [{ name: 'c_value', labels: {}, value: ++v }], problems: [] }) };
    const { clock, collector, snapshots } = setup([counting]);
    collector.start();
    await clock.tickAsync(3500);
    await collector.stop();
    assert.equal(snapshots.length, 4);
    const [a, b, c, d] = snapshots.map((s) => s.samples);
    assert.equal(c, a, 'the third tick fills the first tick\'s array');
    assert.equal(d, b);
    assert.notEqual(d, c);
    const value = (s: Snapshot) => s.samples.find((x) => x.name === 'c_value')?.value;
    assert.equal(value(snapshots[3]!), 4, 'the latest reads true');
    assert.equal(value(snapshots[2]!), 3, 'and the one before');
  });

  it('joinFinite reuses the array it is given, at the new length', () => {
    const s = (name: string, value: number): Sample => ({ name, labels: {}, value });
    const out = [s('old1', 1), s('old2', 2), s('old3', 3)];
    const spans: SourceSpan[] = [];
    assert.equal(joinFinite([{ source: 'a', samples: [s('x', 1), s('y', Number.NaN)] }], spans, out), out);
    assert.deepEqual(
      out.map((x) => x.name),
      ['x'],
    );
    assert.equal(joinFinite([{ source: 'a', samples: [s('p', 1), s('q', 2), s('r', 3), s('t', 4)] }], [], out), out);
    assert.deepEqual(
      out.map((x) => x.name),
      ['p', 'q', 'r', 't'],
    );
  });

  it('drops non-finite values instead of storing them as live numbers', async () => {
    const { collector, store } = setup([constantSource('nan', Number.NaN), constantSource('ok', 2)]);
    await collector.tickNow();
    assert.equal(store.has('nan_value'), false);
    assert.equal(store.latestValue('ok_value'), 2);
  });
});

describe('Collector: sources that answer now', () => {
  /** A source that answers through collectNow only: its collect() must not be called. */
  function nowSource(id: string, value: number): TickSource & { collects: number; nows: number } {
    const s = {
      id,
      collects: 0,
      nows: 0,
      collect: async () => {
        s.collects++;
        throw new Error(`${id}: collect() was called though collectNow answered`);
      },
      collectNow: () => {
        s.nows++;
        return { samples: [{ name: `${id}_value`, labels: {}, value }], problems: [] };
      },
    };
    return s;
  }

  it('reads a source that has collectNow without its collect(), in the sources\' order, beside an async one', async () => {
    const a = nowSource('a', 1);
    const c = nowSource('c', 3);
    const { collector, snapshots } = setup([a, constantSource('b', 2), c]);
    await collector.tickNow();
    await collector.tickNow();
    assert.deepEqual([a.nows, a.collects, c.nows, c.collects], [2, 0, 2, 0]);
    const last = snapshots.at(-1)!;
    assert.deepEqual(
      last.samples.filter((s) => s.name.endsWith('_value')).map((s) => s.value),
      [1, 2, 3],
    );
    assert.deepEqual(last.problems, []);
  });

  it('asks the tracker through updateNow when it answers, and through update() when it does not', async () => {
    let waits = 0;
    let now: TrackerUpdate | undefined = { state: { kind: 'running', process: proc(100) }, samples: [{ name: Metric.targetUp, labels: {}, value: 1 }] };
    const tracker: TargetWatch = {
      restartCount: 0,
      update: async () => {
        waits++;
        return { state: { kind: 'notRunning', message: 'gone' }, samples: [{ name: Metric.targetUp, labels: {}, value: 0 }] };
      },
      updateNow: () => now,
    };
    const store = new SeriesStore(10);
    const collector = new Collector({ clock: fakeClock(), intervalMs: 1000, store, tracker, sources: [] });
    await collector.tickNow();
    assert.deepEqual([waits, store.latestValue(Metric.targetUp)], [0, 1]);
    now = undefined;
    await collector.tickNow();
    assert.deepEqual([waits, store.latestValue(Metric.targetUp)], [1, 0]);
  });

  it('a collectNow that throws, or answers undefined (then collect() is asked), fails or answers alone', async () => {
    const throwing: TickSource = {
      id: 'system',
      collect: async () => ({ samples: [], problems: [] }),
      collectNow: () => {
        throw new Error('EACCES');
      },
    };
    let asked = 0;
    const later: TickSource = {
      id: 'later',
      collect: async () => {
        asked++;
        return { samples: [{ name: 'later_value', labels: {}, value: 5 }], problems: [] };
      },
      collectNow: () => undefined,
    };
    const rejecting: TickSource = { id: 'scrape', collect: () => Promise.reject(new Error('socket hang up')) };
    const { collector, snapshots, store } = setup([throwing, later, rejecting, nowSource('d', 4)]);
    await collector.tickNow();
    const last = snapshots.at(-1)!;
    assert.equal(asked, 1);
    assert.equal(store.latestValue('later_value'), 5);
    assert.equal(store.latestValue('d_value'), 4);
    const messages = last.problems.map((p) => p.message).join(' ');
    assert.match(messages, /system source failed: EACCES/);
    assert.match(messages, /scrape source failed: socket hang up/);
  });
});
