#!/usr/bin/env node
// End-to-end level: the PACKAGED extension (.vsix) installed in a real code-server,
// watching a real example chat server, driven through the workbench by Chromium.
//
// Steps: start the chat server → start code-server with the .vsix installed and a
// workspace whose settings watch the server → run out/test/e2e/run.js (the checks in
// test/e2e/checks/; screenshots in test-results/e2e/) → stop everything.
//
// Usage: node scripts/e2e.mjs [--vsix path]   (default: packages the extension first)
// Needs: `npm run compile-tests` (out/test/e2e/run.js).
// Last line printed: "N passed, N failed". Exit code 0 only when all passed.
import fs from 'node:fs';
import path from 'node:path';
import { startCodeServer } from './codeServer.mjs';
import { startChatServer } from './lib/chatServer.mjs';
import { ensureZhCnLanguagePack } from './lib/languagePack.mjs';
import { packageExtension } from './lib/extension.mjs';
import { examplesDir, extensionDir, repoRoot, resultsDir } from './lib/paths.mjs';
import { freePort, startProcess, stopAll } from './lib/processes.mjs';

const outDir = path.join(resultsDir, 'e2e');

async function main() {
  const runner = path.join(repoRoot, 'out', 'test', 'e2e', 'run.js');
  if (!fs.existsSync(runner)) {
    console.log(`[e2e] ${runner} is missing: run "npm run compile-tests" first.`);
    return 1;
  }
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const i = process.argv.indexOf('--vsix');
  const vsix = i > 0 ? path.resolve(process.argv[i + 1]) : await packageExtension();
  const server = await startChatServer({ logFile: path.join(outDir, 'chat-server.log') });
  console.log(`[e2e] example chat server on port ${server.port} (pid ${server.pid})`);
  // The OTLP receiver on a port of its own: runs side by side never fight over 4318.
  const otlpPort = await freePort();
  // The zh-cn checks run in a window of their own with that display language, which needs a language pack.
  const languagePack = await ensureZhCnLanguagePack();
  const cs = await startCodeServer({
    name: 'e2e',
    vsixPath: vsix,
    moreVsixPaths: [languagePack],
    workspaceSettings: {
      'chatroomMonitor.target.port': server.port,
      'chatroomMonitor.metrics.url': server.metricsUrl,
      'chatroomMonitor.sampleIntervalMs': 1000,
      'chatroomMonitor.traces.port': otlpPort,
    },
  });
  console.log(`[e2e] ${cs.version} at ${cs.url} with ${path.basename(vsix)} installed`);
  const run = startProcess('e2e', process.execPath, [runner], {
    echo: false,
    env: {
      ...process.env,
      CRM_E2E_URL: cs.url,
      CRM_E2E_FOLDER: cs.workspaceDir,
      CRM_E2E_SHOTS: outDir,
      CRM_TEST_SERVER_PORT: String(server.port),
      CRM_TEST_SERVER_PID: String(server.pid),
      CRM_EXAMPLES_DIR: examplesDir,
      CRM_E2E_ARGV: cs.argvFile,
      CRM_TEST_MANIFEST: path.join(extensionDir, 'package.json'),
    },
  });
  // Forward the runner's lines as they come: the checks take tens of seconds.
  run.child.stdout.pipe(process.stdout);
  run.child.stderr.pipe(process.stderr);
  const code = await run.exited;
  return code === 0 ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  console.log(`[e2e] could not run: ${err?.message ?? err}`);
  console.log('0 passed, 1 failed');
} finally {
  await stopAll();
}
process.exit(code);
