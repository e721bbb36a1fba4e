/**
 * One cold activation in this fresh process: require the bundled headless core,
 * then activateHeadless. Prints the times as one JSON line; `activateMs` is what
 * activate() would take (load + construct + configure + first status bar model),
 * `firstSampleMs` what comes after it.
 *   node out/bench/activationProbe.js <bundle.js> <port> <diskPath>
 */
async function main(): Promise<void> {
  const [bundle = '', port = '0', diskPath = process.cwd()] = process.argv.slice(2);
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(bundle) as typeof import('./activation/headlessActivate');
  const loadMs = performance.now() - t0;
  const times = await mod.activateHeadless(Number(port), diskPath);
  const activateMs = loadMs + times.constructMs + times.configureMs + times.statusMs;
  process.stdout.write(JSON.stringify({ loadMs, ...times, activateMs, totalMs: performance.now() - t0 }) + '\n');
  process.exit(0);
}

void main();
