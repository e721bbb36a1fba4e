import * as assert from 'assert';
import { DeferredOnce } from '../../src/core/deferredOnce';

const turn = () => new Promise<void>((r) => setImmediate(r));

describe('DeferredOnce (the first collection start waits until activate() returned)', () => {
  it('a request before release runs after the releasing turn, not inside it, and once', async () => {
    const runs: string[] = [];
    const d = new DeferredOnce(() => runs.push('run'));
    d.request();
    d.request();
    assert.deepStrictEqual(runs, []);
    d.release();
    assert.deepStrictEqual(runs, [], 'ran inside the releasing turn');
    await turn();
    await turn();
    assert.deepStrictEqual(runs, ['run']);
  });

  it('after release a request runs at once; one made while a deferred run is pending replaces it', async () => {
    const runs: number[] = [];
    let n = 0;
    const d = new DeferredOnce(() => runs.push(++n));
    d.request();
    d.release();
    d.request();
    assert.deepStrictEqual(runs, [1]);
    await turn();
    await turn();
    assert.deepStrictEqual(runs, [1], 'the dropped deferred run still ran');
    d.request();
    assert.deepStrictEqual(runs, [1, 2]);
  });

  it('nothing requested: release runs nothing; dispose cancels a pending run', async () => {
    const runs: string[] = [];
    const quiet = new DeferredOnce(() => runs.push('quiet'));
    quiet.release();
    const d = new DeferredOnce(() => runs.push('disposed'));
    d.request();
    d.release();
    d.dispose();
    await turn();
    await turn();
    assert.deepStrictEqual(runs, []);
  });
});
