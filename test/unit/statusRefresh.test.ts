import assert from 'node:assert/strict';
import { STATUS_TIMER_MS, StatusRefresh, timerRenderNeeded } from '../../src/core/statusRefresh';
import { staleAfterMs } from '../../src/core/config';
import { fakeClock } from './helpers/fakeClock';

describe('StatusRefresh (when the status bar renders)', () => {
  it('renders on every snapshot and not on the timer while snapshots come at 1 Hz', () => {
    const clock = fakeClock();
    let renders = 0;
    const r = new StatusRefresh(clock, () => 1000, () => renders++);
    for (let s = 0; s < 60; s++) {
      clock.tick(1000);
      r.snapshot();
    }
    // Before: a render every 2 s besides the 60 snapshot renders (90 in all).
    assert.equal(renders, 60);
    r.dispose();
  });

  it('renders on the timer again when snapshots stop, so the item turns stale on time', () => {
    const clock = fakeClock();
    const renderTimes: number[] = [];
    const t0 = clock.now();
    const r = new StatusRefresh(clock, () => 1000, () => renderTimes.push(clock.now() - t0));
    clock.tick(500);
    r.snapshot(); // at 500
    clock.tick(9500); // to 10,000: timer fires at 2000 (age 1500, quiet), 4000, 6000, 8000, 10000
    assert.deepEqual(renderTimes, [500, 4000, 6000, 8000, 10_000]);
    // The first timer render after the snapshot is past the stale threshold (2.5 intervals).
    assert.ok(renderTimes[1]! - 500 > staleAfterMs(1000));
    r.dispose();
  });

  it('keeps rendering on the timer without any snapshot (nothing collected yet)', () => {
    const clock = fakeClock();
    let renders = 0;
    const r = new StatusRefresh(clock, () => 1000, () => renders++);
    clock.tick(STATUS_TIMER_MS * 3);
    assert.equal(renders, 3);
    r.dispose();
    clock.tick(STATUS_TIMER_MS * 3);
    assert.equal(renders, 3, 'no render after dispose');
  });

  it('with an interval shorter than the timer, renders once the last snapshot is older than the stale threshold', () => {
    // 200 ms ticks go stale after 500 ms: a snapshot 1.5 s old must not wait for 2 s.
    assert.equal(timerRenderNeeded(10_000, 9_600, 200), false);
    assert.equal(timerRenderNeeded(10_000, 8_500, 200), true);
    // 5 s ticks: the timer still shows the age between them, as before.
    assert.equal(timerRenderNeeded(10_000, 8_000, 5000), true);
    assert.equal(timerRenderNeeded(10_000, 9_000, 5000), false);
    assert.equal(timerRenderNeeded(10_000, undefined, 1000), true);
  });
});
