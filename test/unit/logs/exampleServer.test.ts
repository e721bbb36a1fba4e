import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { FrameMapper } from '../../../src/core/logs/frameMapper';

// out/test/unit/logs → the repository
const repo = path.resolve(__dirname, '..', '..', '..', '..');
const serverDir = path.join(repo, 'examples', 'chat-server');
const load = createRequire(__filename);

describe('example server: the errors scenario\'s TypeScript frame', () => {
  it('dist/mentions.js is what build.mjs makes from src/mentions.ts (no stale build)', async () => {
    const { compileExamples } = (await import(path.join(serverDir, 'build.mjs'))) as { compileExamples(): { file: string; js: string; map: string }[] };
    for (const c of compileExamples()) {
      assert.equal(fs.readFileSync(path.join(serverDir, 'dist', `${c.file}.js`), 'utf8'), c.js, `run node examples/chat-server/build.mjs (${c.file}.js)`);
      assert.equal(fs.readFileSync(path.join(serverDir, 'dist', `${c.file}.js.map`), 'utf8'), c.map);
    }
  });

  it('a real throw in the compiled mention lookup maps back to the TypeScript line', () => {
    const { resolveMentions } = load(path.join(serverDir, 'dist', 'mentions.js')) as { resolveMentions(t: string, m: Map<string, { user: string }>): string[] };
    let stack = '';
    try {
      resolveMentions('hi @nobody', new Map());
    } catch (err) {
      stack = (err as Error).stack ?? '';
    }
    const m = /\((.+mentions\.js):(\d+):(\d+)\)/.exec(stack);
    assert.ok(m, stack);
    const mapped = new FrameMapper({ roots: [repo] }).map({ file: m[1]!, line: Number(m[2]), column: Number(m[3]) });
    const tsLines = fs.readFileSync(path.join(serverDir, 'src', 'mentions.ts'), 'utf8').split('\n');
    assert.equal(mapped.file, path.join(serverDir, 'src', 'mentions.ts'));
    assert.match(tsLines[mapped.line - 1]!, /member!\.user/);
    assert.ok(mapped.inWorkspace && mapped.sourceMapped);
  });

  it('the load generator knows the errors scenario', () => {
    const { normalizeLoadOptions } = load(path.join(repo, 'examples', 'load', 'loadOptions.js')) as { normalizeLoadOptions(o: object): { options?: { mention?: string }; error?: string } };
    const r = normalizeLoadOptions({ url: 'ws://127.0.0.1:1', scenario: 'errors', duration: '1s' });
    assert.equal(r.error, undefined);
    assert.equal(r.options?.mention, 'nobody');
  });
});
