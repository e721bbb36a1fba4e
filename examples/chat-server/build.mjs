// Compiles src/*.ts to dist/*.js with source maps (TypeScript from the repository's
// devDependencies). The output is committed, so the server runs without a build;
// a unit test checks that dist matches src.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const here = path.dirname(fileURLToPath(import.meta.url));

/** @returns {{ file: string, js: string, map: string }[]} */
export function compileExamples() {
  const out = [];
  for (const name of fs.readdirSync(path.join(here, 'src')).filter((n) => n.endsWith('.ts'))) {
    const source = fs.readFileSync(path.join(here, 'src', name), 'utf8');
    const r = ts.transpileModule(source, {
      fileName: name,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceMap: true, strict: true },
    });
    const base = name.replace(/\.ts$/, '');
    const map = JSON.parse(r.sourceMapText);
    map.file = `${base}.js`;
    map.sources = [`../src/${name}`];
    out.push({ file: base, js: r.outputText.replace(/\/\/# sourceMappingURL=.*$/m, `//# sourceMappingURL=${base}.js.map`), map: JSON.stringify(map) + '\n' });
  }
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.mkdirSync(path.join(here, 'dist'), { recursive: true });
  for (const c of compileExamples()) {
    fs.writeFileSync(path.join(here, 'dist', `${c.file}.js`), c.js);
    fs.writeFileSync(path.join(here, 'dist', `${c.file}.js.map`), c.map);
    process.stdout.write(`built dist/${c.file}.js\n`);
  }
}
