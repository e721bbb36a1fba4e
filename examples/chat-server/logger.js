'use strict';
// The server's JSON log lines, written by pino (this folder's own dependency:
// `npm ci --prefix examples/chat-server`). Where pino is not installed, a small writer
// prints the same pino shape ({"level":50,"time":…,"pid":…,"hostname":…,"err":{type,message,stack},"msg":…}),
// so the other examples and tests keep working without that install.

const fs = require('node:fs');
const os = require('node:os');

/**
 * @param {string} logFile a path, or "-" for stdout
 * @returns {{ info(obj: object, msg: string): void, error(obj: object, msg: string): void, warn(obj: object, msg: string): void, flush?(): void }}
 */
function createLogger(logFile = '-') {
  let pino;
  try {
    pino = require('pino');
  } catch {
    pino = undefined;
  }
  if (pino) {
    const dest = logFile === '-' ? pino.destination({ dest: 1, sync: false }) : pino.destination({ dest: logFile, sync: false, mkdir: true });
    return pino({ base: { pid: process.pid, hostname: os.hostname() } }, dest);
  }
  const out = logFile === '-' ? process.stdout : fs.createWriteStream(logFile, { flags: 'a' });
  const write = (level, obj, msg) => {
    const line = { level, time: Date.now(), pid: process.pid, hostname: os.hostname() };
    for (const [k, v] of Object.entries(obj)) {
      line[k] = v instanceof Error ? { type: v.name, message: v.message, stack: v.stack } : v;
    }
    line.msg = msg;
    out.write(JSON.stringify(line) + '\n');
  };
  return {
    info: (obj, msg) => write(30, obj, msg),
    warn: (obj, msg) => write(40, obj, msg),
    error: (obj, msg) => write(50, obj, msg),
  };
}

module.exports = { createLogger };
