import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { capturePySpy, findPySpy, pySpyMissing, summarizeCollapsed } from '../../../src/core/profile/pySpy';
import { SourceLocator } from '../../../src/core/profile/sourceLocation';

describe('py-spy (Python servers)', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-pyspy-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const raw = [
    '<module> (/ws/server.py:200);run (/usr/lib/python3.11/asyncio/base_events.py:640);handle (/ws/server.py:120);burn (/ws/server.py:45) 70',
    '<module> (/ws/server.py:200);run (/usr/lib/python3.11/asyncio/base_events.py:640);handle (/ws/server.py:118) 20',
    '<module> (/ws/server.py:200);run (/usr/lib/python3.11/asyncio/base_events.py:640);select (/usr/lib/python3.11/selectors.py:468) 10',
  ].join('\n');

  it('summarises collapsed stacks: self and total percent, hottest line, workspace path', () => {
    const s = summarizeCollapsed(raw, new SourceLocator(['/ws']));
    assert.equal(s.samples, 100);
    const top = s.hotFunctions[0]!;
    assert.deepEqual([top.function, top.file, top.line, top.selfPercent, top.totalPercent, top.inWorkspace], ['burn', 'server.py', 45, 70, 70, true]);
    const handle = s.hotFunctions.find((h) => h.function === 'handle')!;
    assert.deepEqual([handle.selfPercent, handle.totalPercent, handle.line], [20, 90, 118]);
  });

  it('says how to install py-spy and which permission it needs when it is missing', async () => {
    assert.equal(findPySpy(dir), undefined);
    const r = await capturePySpy({ pid: process.pid, durationMs: 1000, out: path.join(dir, 'x.txt'), searchPath: dir });
    assert.deepEqual(r, { ok: false, message: pySpyMissing() });
    assert.match(pySpyMissing(), /pip install py-spy/);
    assert.match(pySpyMissing(), /ptrace/);
  });

  it('runs py-spy record with raw output and reads what it wrote; a ptrace refusal becomes a sentence', async () => {
    const fake = path.join(dir, 'py-spy');
    // Stands in for the real binary (not installable on this machine): checks the arguments, writes raw stacks.
    fs.writeFileSync(
      fake,
      `#!/bin/sh\ncase "$*" in *"--pid 4242 "*) echo 'Error: Permission Denied: Operation not permitted (os error 1)' >&2; exit 1;; esac\n` +
        `case "$*" in "record --pid "*" --duration 2 --rate 100 --format raw --output "*" --nonblocking") ;; *) echo "bad args: $*" >&2; exit 2;; esac\n` +
        `out=""; prev=""; for a in "$@"; do [ "$prev" = "--output" ] && out="$a"; prev="$a"; done\ncat > "$out" <<'EOF2'\n${raw}\nEOF2\n`,
    );
    fs.chmodSync(fake, 0o755);
    assert.equal(findPySpy(`/nonexistent${path.delimiter}${dir}`), fake);
    const out = path.join(dir, 'profile.txt');
    const r = await capturePySpy({ pid: 1234, durationMs: 1500, out, workspaceRoots: ['/ws'], pySpyPath: fake });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.hotFunctions[0]!.function, 'burn');
    assert.match(r.lines.join('\n'), /70\.0 +70\.0 +burn +\(server\.py:45\)/);
    const denied = await capturePySpy({ pid: 4242, durationMs: 1000, out, pySpyPath: fake });
    assert.ok(!denied.ok);
    assert.match(denied.message, /^py-spy was not allowed to read process 4242 \(.*Permission Denied.*\)\. It needs ptrace permission/);
  });
});
