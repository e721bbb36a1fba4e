#!/usr/bin/env node
// `npm run demo`: the extension, packaged, in a real VS Code (code-server) watching
// the example chat server under a steady load, ready to open in your browser.
//
//   build + package → start examples/chat-server on a free port → start the load
//   generator (steady, bounded) → start code-server with the .vsix installed and a
//   workspace watching that port → print the URL. Ctrl-C stops everything.
//
// It stops cleanly, and says why, when: the load ends; SIGINT, SIGTERM or SIGHUP reaches
// this process (package.json runs it with `exec`, so npm's forwarded signal arrives here
// and not at a shell that waits for us); the chat server, the load generator or
// code-server ends (e.g. `kill PID` on any of them); or the npm that started it is killed.
//
// Options: --minutes N (load duration, default and maximum 30 — the load generator's
//          own bound; the demo ends with it)
//          --scenario steady|ramp|cpu-burn|leak|flood (default steady)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCodeServer } from './codeServer.mjs';
import { startChatServer, startLoad } from './lib/chatServer.mjs';
import { packageExtension } from './lib/extension.mjs';
import { runsDir } from './lib/paths.mjs';
import { endedWords, firstEnd, stopAll, stopSignal } from './lib/processes.mjs';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const minutes = Math.min(Math.max(Number(option('minutes', '30')) || 30, 1), 30);
const scenario = option('scenario', 'steady');

async function main() {
  // A fresh clone: install what is missing first (npm packages, code-server), or say what apt must add.
  const setup = spawnSync(process.execPath, [path.join(path.dirname(fileURLToPath(import.meta.url)), 'setup.mjs'), 'demo'], { stdio: 'inherit' });
  if (setup.status !== 0) {
    process.exitCode = 1;
    return;
  }
  console.log('demo: building and packaging the extension…');
  const vsix = await packageExtension();
  const server = await startChatServer({ logFile: path.join(runsDir, 'demo-chat-server.log') });
  console.log(`demo: chat server ${server.url} (pid ${server.pid}), metrics at ${server.metricsUrl}`);
  const load = startLoad({ wsUrl: server.wsUrl, scenario, durationS: minutes * 60, logFile: path.join(runsDir, 'demo-load.log') });
  console.log(`demo: load generator "${scenario}" for ${minutes} min (pid ${load.pid})`);
  const cs = await startCodeServer({
    name: 'demo',
    vsixPath: vsix,
    workspaceSettings: {
      'chatroomMonitor.target.port': server.port,
      'chatroomMonitor.target.name': 'chat',
      'chatroomMonitor.metrics.url': server.metricsUrl,
    },
  });
  console.log(`\n  Open ${cs.url}/?folder=${encodeURIComponent(cs.workspaceDir)} in your browser.\n`);
  console.log('  Status bar: the chat server\'s CPU and memory. Command palette (F1): "Chat-Room Monitor".');
  console.log('  Press Ctrl-C to stop the chat server, the load and code-server.\n');
  // The demo ends with the load, or with whichever of its processes ends first.
  // A signal to this process is handled by processes.mjs (it says so and stops all).
  const end = await firstEnd([load, server.entry, cs.entry]);
  if (stopSignal() !== undefined) {
    return;
  }
  if ('parentGone' in end) {
    console.log(`demo: the process that started it (pid ${end.parentGone}) ended; stopping.`);
  } else if (end.entry === load && end.entry.ended?.code === 0) {
    console.log(`demo: the load finished (${minutes} min); stopping.`);
  } else {
    console.log(`demo: ${end.entry.name} (pid ${end.entry.pid}) ${endedWords(end.entry)}; stopping the rest.`);
  }
}

try {
  await main();
} catch (err) {
  console.error(`demo: ${err?.message ?? err}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}
