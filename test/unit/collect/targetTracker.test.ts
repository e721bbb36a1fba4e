import assert from 'node:assert/strict';
import { LocateResult, Locator, TargetTracker } from '../../../src/core/collect/targetTracker';
import { Metric, TargetProcess } from '../../../src/core/model';

/** A locator whose process (by pid) and children the test sets; it counts the tree walks. */
class TreeLocator implements Locator {
  pid = 100;
  children: number[] = [];
  walks = 0;
  async locate(): Promise<LocateResult> {
    return { ok: true, process: proc(this.pid) };
  }
  async isSameProcess(pid: number): Promise<boolean> {
    return pid === this.pid;
  }
  async descendants(): Promise<number[]> {
    this.walks++;
    return [...this.children];
  }
}

function proc(pid: number): TargetProcess {
  return { pid, commandLine: 'node server.js', executable: 'node', ports: [8080], startTimeMs: pid, reason: `pid ${pid} (node server.js) listens on port 8080` };
}

const restartsOf = (u: { samples: readonly { name: string; value: number }[] }) => u.samples.find((s) => s.name === Metric.targetRestarts)?.value;

describe('TargetTracker: a tick with nothing new', () => {
  it('hands back the same update while the same process is alone and nothing changed, and still walks its tree every tick', async () => {
    const locator = new TreeLocator();
    const tracker = new TargetTracker(locator, { port: 8080, processTree: true });
    const first = await tracker.update();
    assert.match(first.change ?? '', /Watching/);
    const second = await tracker.update();
    assert.notEqual(second, first, 'the first update carries a change sentence: the next one says nothing');
    assert.equal(second.change, undefined);
    assert.equal(await tracker.update(), second);
    assert.equal(await tracker.update(), second);
    assert.equal(locator.walks, 4);
    assert.equal(second.state.kind, 'running');
    assert.deepEqual(
      second.samples.map((s) => [s.name, s.value]),
      [
        [Metric.targetUp, 1],
        [Metric.targetRestarts, 0],
      ],
    );
  });

  it('makes a new update when a child appears, when the process is replaced, and with the tree not followed', async () => {
    const locator = new TreeLocator();
    const tracker = new TargetTracker(locator, { port: 8080, processTree: true });
    await tracker.update();
    const quiet = await tracker.update();
    locator.children = [101];
    const grown = await tracker.update();
    assert.notEqual(grown, quiet);
    assert.match(grown.change ?? '', /101/);
    assert.equal(grown.state.kind === 'running' && grown.state.service?.instances.length, 2);

    locator.children = [];
    locator.pid = 200; // restarted: a new process
    const restarted = await tracker.update();
    assert.match(restarted.change ?? '', /Restarted/);
    assert.equal(restartsOf(restarted), 1);
    const after = await tracker.update();
    assert.equal(await tracker.update(), after);
    assert.equal(restartsOf(after), 1);
    assert.equal(after.state.kind === 'running' && after.state.process.pid, 200);

    const flat = new TargetTracker(new TreeLocator(), { port: 8080, processTree: false });
    await flat.update();
    const flatQuiet = await flat.update();
    assert.equal(await flat.update(), flatQuiet);
  });

  it('a tree walk that fails gives a new update with its problem, and the quiet one again once it works', async () => {
    const locator = new TreeLocator();
    const tracker = new TargetTracker(locator, { port: 8080, processTree: true });
    await tracker.update();
    const quiet = await tracker.update();
    const walk = locator.descendants.bind(locator);
    locator.descendants = () => Promise.reject(new Error('EACCES'));
    const failed = await tracker.update();
    assert.notEqual(failed, quiet);
    assert.match(failed.problem?.message ?? '', /EACCES/);
    locator.descendants = walk;
    const again = await tracker.update();
    assert.equal(again.problem, undefined);
    assert.equal(await tracker.update(), again);
  });
});

describe('TargetTracker.updateNow: the usual tick without a promise', () => {
  /** A /proc-like locator that answers now; its async checks count how often the tracker still waits on them. */
  class NowLocator extends TreeLocator {
    asyncChecks = 0;
    override async isSameProcess(pid: number): Promise<boolean> {
      this.asyncChecks++;
      return pid === this.pid;
    }
    override async descendants(): Promise<number[]> {
      this.asyncChecks++;
      return [...this.children];
    }
    isSameProcessNow(pid: number): boolean {
      return pid === this.pid;
    }
    descendantsNow(): number[] {
      this.walks++;
      if (this.failWalk) throw new Error('EACCES');
      return [...this.children];
    }
    failWalk = false;
  }

  it('answers from the known process and its walk, the same update as update() would, and undefined before a process is found or once it is not the same', async () => {
    const locator = new NowLocator();
    const tracker = new TargetTracker(locator, { port: 8080, processTree: true });
    assert.equal(tracker.updateNow(), undefined, 'nothing found yet: update() searches');
    const found = await tracker.update();
    assert.match(found.change ?? '', /Watching/);
    const checksAfterFind = locator.asyncChecks;
    const quiet = tracker.updateNow();
    assert.ok(quiet);
    assert.equal(quiet.change, undefined);
    assert.equal(tracker.updateNow(), quiet);
    assert.equal(locator.asyncChecks, checksAfterFind, 'no promise-returning check a tick');

    locator.children = [101];
    const grown = tracker.updateNow();
    assert.match(grown?.change ?? '', /101/);
    assert.equal(grown?.state.kind === 'running' && grown.state.service?.instances.length, 2);

    locator.failWalk = true;
    assert.match(tracker.updateNow()?.problem?.message ?? '', /EACCES/);
    locator.failWalk = false;

    locator.pid = 200;
    assert.equal(tracker.updateNow(), undefined, 'not the same process: update() looks for it');
    const restarted = await tracker.update();
    assert.match(restarted.change ?? '', /Restarted/);
  });

  it('is undefined with a locator that cannot answer now', async () => {
    const tracker = new TargetTracker(new TreeLocator(), { port: 8080, processTree: true });
    await tracker.update();
    assert.equal(tracker.updateNow(), undefined);
  });
});
