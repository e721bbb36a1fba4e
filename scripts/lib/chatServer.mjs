// Starts the example chat server and the load generator from examples/ as tracked
// child processes (see processes.mjs), so tests and the demo watch a real server.
import fs from 'node:fs';
import path from 'node:path';
import { examplesDir } from './paths.mjs';
import { startProcess, waitForLine } from './processes.mjs';

const LISTENING = /chat-server listening on (http:\/\/127\.0\.0\.1:(\d+)) \(pid (\d+)\)/;

/**
 * Starts `node examples/chat-server/server.js --port 0` and waits for its
 * "listening" line.
 * @param {{ logFile?: string, echo?: boolean }} [options]
 * @returns {Promise<{ port: number, pid: number, url: string, metricsUrl: string, wsUrl: string, entry: import('./processes.mjs').Tracked }>}
 */
export async function startChatServer(options = {}) {
  const script = path.join(examplesDir, 'chat-server', 'server.js');
  if (!fs.existsSync(script)) {
    throw new Error(`The example chat server is missing: ${script} does not exist (set CRM_EXAMPLES_DIR to another examples folder).`);
  }
  const entry = startProcess('chat-server', process.execPath, [script, '--port', '0'], options);
  const m = await waitForLine(entry, LISTENING, 15000);
  const url = m[1];
  return { port: Number(m[2]), pid: Number(m[3]), url, metricsUrl: `${url}/metrics`, wsUrl: url.replace(/^http/, 'ws'), entry };
}

/**
 * Starts `node examples/load/load.js` against a chat server.
 * `users` and `rate` default to the scenario's own (examples/load/loadOptions.js).
 * @param {{ wsUrl: string, scenario: string, users?: number, rate?: number, durationS: number, logFile?: string, echo?: boolean }} o
 */
export function startLoad(o) {
  const script = path.join(examplesDir, 'load', 'load.js');
  if (!fs.existsSync(script)) {
    throw new Error(`The load generator is missing: ${script} does not exist (set CRM_EXAMPLES_DIR to another examples folder).`);
  }
  const args = [script, '--url', o.wsUrl, '--scenario', o.scenario, '--duration', `${o.durationS}s`];
  if (o.users !== undefined) {
    args.push('--users', String(o.users));
  }
  if (o.rate !== undefined) {
    args.push('--rate', String(o.rate));
  }
  return startProcess(`load:${o.scenario}`, process.execPath, args, { logFile: o.logFile, echo: o.echo });
}
