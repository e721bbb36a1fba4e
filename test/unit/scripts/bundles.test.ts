import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

// The build options esbuild.mjs uses, from the one place they are defined.
interface BuildConfig {
  root: string;
  extensionBuild: esbuild.BuildOptions;
  portableBuild: esbuild.BuildOptions;
  prometheusBuild: esbuild.BuildOptions;
  tracesBuild: esbuild.BuildOptions;
}

// The main bundle is what every activation loads; the libraries only macOS and Windows
// need (systeminformation, pidusage: ~330 KB) live in dist/portable.js, loaded on first use.
describe('bundles', function () {
  this.timeout(120_000);
  let dir: string;
  let config: BuildConfig;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bundles-'));
    // out/test/unit/scripts → the repository root; a native import (TypeScript would turn import() into require).
    const url = pathToFileURL(path.resolve(__dirname, '..', '..', '..', '..', 'scripts', 'buildConfig.mjs')).href;
    const importEsm = new Function('u', 'return import(u)') as (u: string) => Promise<unknown>;
    config = (await importEsm(url)) as BuildConfig;
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the extension bundle holds neither systeminformation nor pidusage, and stays within 600 KB', async () => {
    const r = await esbuild.build({ ...config.extensionBuild, outfile: path.join(dir, 'extension.js'), metafile: true, logLevel: 'silent' });
    const inputs = Object.keys(Object.values(r.metafile.outputs)[0]!.inputs);
    assert.deepEqual(inputs.filter((f) => /node_modules\/(systeminformation|pidusage)\//.test(f)), []);
    // The Prometheus query client and back-fill load only when a Prometheus URL is set (dist/prometheus.js).
    assert.deepEqual(inputs.filter((f) => /src\/core\/prometheus\//.test(f)), []);
    assert.ok(fs.statSync(path.join(dir, 'extension.js')).size <= 600 * 1024);
  });

  it('the extension bundle holds neither the OTLP receiver nor protobufjs: dist/traces.js does, and it receives spans', async () => {
    const r = await esbuild.build({ ...config.extensionBuild, outfile: path.join(dir, 'extension.js'), metafile: true, logLevel: 'silent' });
    const inputs = Object.keys(Object.values(r.metafile.outputs)[0]!.inputs);
    assert.deepEqual(inputs.filter((f) => /node_modules\/protobufjs\/|src\/core\/traces\/(otlpReceiver|otlpDecode|otlpSchema|spanStore)\.ts$/.test(f)), []);
    await esbuild.build({ ...config.tracesBuild, outfile: path.join(dir, 'traces.js'), logLevel: 'silent' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { TraceWatcher } = require(path.join(dir, 'traces.js')) as typeof import('../../../src/core/traces/traceWatcher');
    const w = new TraceWatcher({ clock: { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) }, port: 0 });
    try {
      const port = await w.start();
      const span = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'chat message', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000004000000' };
      const body = JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'chat' } }] }, scopeSpans: [{ spans: [span] }] }] });
      const res = await fetch(`http://127.0.0.1:${port}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      assert.equal(res.status, 200);
      assert.deepEqual(w.report(0, Date.now()).operations.map((o) => [o.service, o.name, o.count, o.p50Ms]), [['chat', 'chat message', 1, 4]]);
    } finally {
      w.dispose();
    }
  });

  it('dist/portable.js beside a bundle is what the portable samplers load, and it works', async () => {
    await esbuild.build({ ...config.portableBuild, outfile: path.join(dir, 'portable.js'), logLevel: 'silent' });
    // A tiny bundle of the loader, as the extension and the CLI contain it, placed beside portable.js.
    fs.writeFileSync(path.join(dir, 'entry.ts'), `export { loadPortableLibs } from ${JSON.stringify(path.join(config.root, 'src/core/process/loadPortableLibs'))};\n`);
    await esbuild.build({ entryPoints: [path.join(dir, 'entry.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: path.join(dir, 'loader.js'), logLevel: 'silent' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { loadPortableLibs } = require(path.join(dir, 'loader.js')) as typeof import('../../../src/core/process/loadPortableLibs');
    const libs = loadPortableLibs();
    const mem = await libs.si.mem();
    assert.ok(mem.total > 0);
    const own = await libs.pidusage(process.pid);
    assert.ok(own.memory > 1e6);
    assert.ok(fs.readFileSync(path.join(dir, 'loader.js'), 'utf8').length < 10_000, 'the loader bundle must not inline the libraries');
  });

  it('dist/prometheus.js holds the query client and exports the watch factory the extension requires', async () => {
    const out = path.join(dir, 'prometheus.js');
    const r = await esbuild.build({ ...config.prometheusBuild, outfile: out, metafile: true, logLevel: 'silent' });
    const inputs = Object.keys(Object.values(r.metafile.outputs)[0]!.inputs);
    assert.ok(inputs.some((f) => f.endsWith('src/core/prometheus/promApi.ts')));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(out) as typeof import('../../../src/core/prometheus/promDeps');
    assert.equal(typeof mod.createPrometheusWatch, 'function');
  });
});
