import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileFollower, FollowerNote } from '../../../src/core/logs/fileFollower';
import { LogFileSet } from '../../../src/core/logs/logFileSet';
import { fakeClock } from '../helpers/fakeClock';

describe('file follower (tail -F without a child)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-follow-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function follow(file: string, lookBackBytes = 64) {
    const clock = fakeClock();
    const f = new FileFollower(file, { clock, lookBackBytes, watch: false });
    const lines: string[] = [];
    const notes: FollowerNote[] = [];
    f.onLine((l) => lines.push(l.text));
    f.onNote((n) => notes.push(n));
    return { f, lines, notes, clock };
  }

  it('starts at the end with a bounded look-back (whole lines only) and reads appends', () => {
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, Array.from({ length: 100 }, (_, i) => `old line ${i}`).join('\n') + '\n');
    const { f, lines } = follow(file, 40);
    f.start();
    assert.ok(lines.length >= 2 && lines.length <= 4, `look-back gave ${lines.length} lines`);
    assert.equal(lines[lines.length - 1], 'old line 99');
    assert.ok(lines.every((l) => /^old line \d+$/.test(l)), 'no cut first line');
    lines.length = 0;
    fs.appendFileSync(file, 'new 1\nnew 2\r\npartial');
    f.poll();
    assert.deepEqual(lines, ['new 1', 'new 2']);
    fs.appendFileSync(file, ' line\n');
    f.poll();
    assert.deepEqual(lines, ['new 1', 'new 2', 'partial line']);
    f.dispose();
  });

  it('survives rename rotation: finishes the old file, then reads the new one from its start', () => {
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, '');
    const { f, lines, notes } = follow(file);
    f.start();
    fs.appendFileSync(file, 'a\n');
    f.poll();
    fs.appendFileSync(file, 'b\n'); // written just before rotation, not yet read
    fs.renameSync(file, file + '.1');
    fs.writeFileSync(file, 'c\n');
    f.poll();
    assert.deepEqual(lines, ['a', 'b', 'c']);
    assert.ok(notes.some((n) => n.kind === 'rotated'));
    // rotated away with no new file yet, then it appears
    fs.appendFileSync(file, 'd\n');
    fs.renameSync(file, file + '.2');
    f.poll();
    fs.writeFileSync(file, 'e\n');
    f.poll();
    assert.deepEqual(lines, ['a', 'b', 'c', 'd', 'e']);
    f.dispose();
  });

  it('reads a truncated file again from its start', () => {
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, '');
    const { f, lines, notes } = follow(file);
    f.start();
    fs.appendFileSync(file, 'one long line before truncation\n');
    f.poll();
    fs.truncateSync(file, 0);
    fs.appendFileSync(file, 'x\n');
    f.poll();
    assert.deepEqual(lines, ['one long line before truncation', 'x']);
    assert.ok(notes.some((n) => n.kind === 'truncated'));
    f.dispose();
  });

  it('waits for a file that appears later, says so once, and reads it from its start', async () => {
    const file = path.join(dir, 'later.log');
    const { f, lines, notes, clock } = follow(file);
    f.start();
    await clock.tickAsync(2000);
    assert.equal(notes.filter((n) => n.kind === 'waiting').length, 1);
    fs.writeFileSync(file, 'first\nsecond\n');
    await clock.tickAsync(600); // the stat poll finds it
    assert.deepEqual(lines, ['first', 'second']);
    f.dispose();
  });

  it('cuts a runaway line instead of holding it all', () => {
    const file = path.join(dir, 'app.log');
    fs.writeFileSync(file, '');
    const clock = fakeClock();
    const f = new FileFollower(file, { clock, watch: false, maxLineBytes: 100 });
    const lines: string[] = [];
    f.onLine((l) => lines.push(l.text));
    f.start();
    fs.appendFileSync(file, 'x'.repeat(100_000) + '\nnext\n');
    f.poll();
    assert.deepEqual(lines.map((l) => l.length), [100, 4]);
    f.dispose();
  });

  it('follows every file a glob matches, including one created later (from its start)', () => {
    fs.writeFileSync(path.join(dir, 'a.log'), 'a0\n');
    const clock = fakeClock();
    const set = new LogFileSet(path.join(dir, '*.log'), { clock, watch: false });
    const lines: string[] = [];
    set.onLine((l) => lines.push(`${path.basename(l.source)}:${l.text}`));
    set.start();
    fs.writeFileSync(path.join(dir, 'b.log'), 'b0\n');
    fs.writeFileSync(path.join(dir, 'c.txt'), 'no\n');
    set.poll();
    assert.deepEqual(lines.sort(), ['a.log:a0', 'b.log:b0']);
    set.dispose();
  });
});
