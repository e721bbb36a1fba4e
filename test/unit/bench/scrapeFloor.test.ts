/**
 * The floor of tick.floorWithScrape reads the process-tree walk's files as the
 * monitor's tick does (target.processTree is on by default): the thread listing of the
 * watched process and each thread's children file, kept open from walk to walk. Linux
 * only (it reads this test process' own /proc entries).
 */
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { keptOpenTreeFloor } from '../../../bench/scrapeFloor';

const openFds = (): number => readdirSync(`/proc/${process.pid}/fd`).length;

describe('bench: the tree walk at its floor (keptOpenTreeFloor)', function () {
  before(function () {
    if (!existsSync(`/proc/${process.pid}/task`)) this.skip();
  });

  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill();
    child = undefined;
  });

  it('finds a child through the threads\' children files and keeps those files open between walks', async () => {
    child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    await new Promise<void>((resolve) => child!.once('spawn', () => resolve()));
    const threads = readdirSync(`/proc/${process.pid}/task`).length;
    const before = openFds();
    const tree = keptOpenTreeFloor(process.pid, Buffer.alloc(64 * 1024));
    try {
      assert.ok(tree.walk() >= 2, 'this process and its child');
      const afterFirst = openFds();
      // One children file per thread of this process (and of the child), opened once.
      assert.ok(afterFirst - before >= threads, `${afterFirst - before} files kept open for ${threads} threads`);
      assert.ok(tree.walk() >= 2);
      assert.equal(openFds(), afterFirst, 'the second walk re-reads the same descriptors');
    } finally {
      tree.close();
    }
    assert.equal(openFds(), before, 'close() closes every file');
  });
});
