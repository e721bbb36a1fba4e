import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { decodeSourceMap, originalPosition, SourceLocator } from '../../../src/core/profile/sourceLocation';

describe('SourceLocator', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-srcmap-'));
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(
      path.join(dir, 'src', 'hot.ts'),
      ['// a comment', 'export function cold(): number {', '  return 1;', '}', '', 'export function hot(n: number): number {', '  let x = 0;', '  for (let i = 0; i < n; i++) x += i;', '  return x;', '}', ''].join('\n'),
    );
    fs.writeFileSync(path.join(dir, 'src', 'main.ts'), "import { hot, cold } from './hot';\nconsole.log(hot(10) + cold());\n");
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const sourcemap of ['linked', 'inline'] as const) {
    it(`maps a bundle's line to the TypeScript source through a ${sourcemap} source map`, () => {
      const out = path.join(dir, 'dist', `${sourcemap}.js`);
      esbuild.buildSync({ entryPoints: [path.join(dir, 'src', 'main.ts')], bundle: true, outfile: out, sourcemap, platform: 'node', logLevel: 'silent' });
      const lines = fs.readFileSync(out, 'utf8').split('\n');
      const genLine0 = lines.findIndex((l) => l.includes('x += i'));
      assert.ok(genLine0 >= 0);
      const loc = new SourceLocator([dir]);
      const at = loc.locate('file://' + out, genLine0, lines[genLine0]!.indexOf('for'));
      assert.deepEqual({ file: at.file, line: at.line, ws: at.inWorkspace }, { file: 'src/hot.ts', line: 8, ws: true });
    });
  }

  it('leaves a script without a map, node internals and files outside the workspace as they are', () => {
    fs.writeFileSync(path.join(dir, 'plain.js'), 'function f() {}\n');
    const loc = new SourceLocator([dir]);
    assert.deepEqual(loc.locate('file://' + path.join(dir, 'plain.js'), 0, 0), { absolutePath: path.join(dir, 'plain.js'), file: 'plain.js', line: 1, inWorkspace: true });
    assert.deepEqual(loc.locate('node:internal/timers', 4, 2), { file: 'node:internal/timers', line: 5, inWorkspace: false });
    assert.equal(loc.locate('file:///elsewhere/x.js', 0, 0).file, '/elsewhere/x.js');
    assert.equal(loc.locate('file://' + path.join(dir, 'node_modules', 'ws', 'a.js'), 0, 0).inWorkspace, false);
  });

  it('decodes VLQ mappings (negative deltas, several segments a line)', () => {
    // "AAAA" → (0,0,0,0); "SAAS" → col 9, src 0, line 0, col 9; next line "AACA" → line +1; "DAAE" genCol 3? (first of line: col 3, origCol +2)
    const map = decodeSourceMap({ sources: ['a.ts'], mappings: 'AAAA,SAAS;AACA,GAAE;AADF' }, '/m')!;
    assert.deepEqual(originalPosition(map, 0, 10), { path: '/m/a.ts', line0: 0 });
    assert.deepEqual(originalPosition(map, 1, 5), { path: '/m/a.ts', line0: 1 });
    assert.deepEqual(originalPosition(map, 2, 0), { path: '/m/a.ts', line0: 0 });
    assert.equal(originalPosition(map, 7, 0), undefined);
  });
});
