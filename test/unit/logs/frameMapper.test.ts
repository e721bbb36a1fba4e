import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { FrameMapper } from '../../../src/core/logs/frameMapper';

const TS_SOURCE = ['interface Room { name: string }', '', 'export function join(room: Room | undefined): string {', '  // a comment the JavaScript does not have', '  return room!.name.toUpperCase();', '}', ''].join('\n');

describe('stack frames to workspace source', () => {
  let root: string;
  beforeEach(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'crm-map-')));
    fs.mkdirSync(path.join(root, 'src'));
    fs.mkdirSync(path.join(root, 'dist'));
    fs.writeFileSync(path.join(root, 'src', 'rooms.ts'), TS_SOURCE);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  function compile(inline: boolean): { js: string; line: number; column: number } {
    const out = ts.transpileModule(TS_SOURCE, { fileName: path.join(root, 'src', 'rooms.ts'), compilerOptions: { sourceMap: !inline, inlineSourceMap: inline, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } });
    const jsFile = path.join(root, 'dist', 'rooms.js');
    let js = out.outputText.replace(/\/\/# sourceMappingURL=.*$/m, '');
    if (inline) {
      js = out.outputText;
    } else {
      const map = JSON.parse(out.sourceMapText!) as { sources: string[] };
      map.sources = ['../src/rooms.ts'];
      fs.writeFileSync(jsFile + '.map', JSON.stringify(map));
      js += '//# sourceMappingURL=rooms.js.map\n';
    }
    fs.writeFileSync(jsFile, js);
    const lines = js.split('\n');
    const line = lines.findIndex((l) => l.includes('toUpperCase')) + 1;
    return { js: jsFile, line, column: lines[line - 1]!.indexOf('room.name') + 1 };
  }

  it('maps compiled JavaScript back to the TypeScript line through a .map file', () => {
    const { js, line, column } = compile(false);
    const m = new FrameMapper({ roots: [root] }).map({ file: js, line, column });
    assert.equal(m.file, path.join(root, 'src', 'rooms.ts'));
    assert.equal(m.line, 5);
    assert.ok(m.sourceMapped);
    assert.ok(m.inWorkspace);
  });

  it('maps through an inline data: source map', () => {
    const { js, line, column } = compile(true);
    const m = new FrameMapper({ roots: [root] }).map({ file: pathToFileURL(js).href, line, column });
    assert.equal(path.basename(m.file), 'rooms.ts');
    assert.equal(m.line, 5);
  });

  it('resolves cwd-relative paths and file:// URLs; dependencies and the runtime are not in the workspace', () => {
    fs.writeFileSync(path.join(root, 'src', 'a.js'), 'x\n');
    const mapper = new FrameMapper({ roots: [root], cwd: path.join(root, 'src') });
    assert.deepEqual(pick(mapper.map({ file: 'a.js', line: 1, column: 1 })), [path.join(root, 'src', 'a.js'), true]);
    assert.deepEqual(pick(mapper.map({ file: pathToFileURL(path.join(root, 'src', 'a.js')).href, line: 1 })), [path.join(root, 'src', 'a.js'), true]);
    assert.deepEqual(pick(mapper.map({ file: path.join(root, 'node_modules', 'ws', 'x.js'), line: 1 })), [path.join(root, 'node_modules', 'ws', 'x.js'), false]);
    assert.deepEqual(pick(mapper.map({ file: 'node:internal/process/task_queues', line: 95 })), ['node:internal/process/task_queues', false]);
    assert.deepEqual(pick(mapper.map({ file: '/elsewhere/x.js', line: 1 })), ['/elsewhere/x.js', false]);
    assert.equal(mapper.relative(path.join(root, 'src', 'a.js')), 'src/a.js');
  });

  it('keeps the JavaScript position when the map is missing or malformed', () => {
    const js = path.join(root, 'dist', 'bad.js');
    fs.writeFileSync(js, 'x\n//# sourceMappingURL=bad.js.map\n');
    fs.writeFileSync(js + '.map', '{not json');
    const m = new FrameMapper({ roots: [root] }).map({ file: js, line: 1, column: 1 });
    assert.equal(m.file, js);
    assert.equal(m.sourceMapped, false);
  });
});

function pick(m: { file: string; inWorkspace: boolean }): [string, boolean] {
  return [m.file, m.inWorkspace];
}
