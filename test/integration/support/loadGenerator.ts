/**
 * The example load generator (examples/load/load.js), started from inside the
 * extension host so a test can make the watched server work and then stop it at
 * the moment the test needs the load gone (a resolved alert).
 */
import { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { startNode } from '../../e2e/support/childProcesses';

/** A running load generator. */
export interface RunningLoad {
  readonly child: ChildProcess;
  /** The last 16 000 characters of its output, for failure messages. */
  output(): string;
  /** Stops it (SIGTERM to its process group, SIGKILL after 3 s); resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * examples/: CRM_EXAMPLES_DIR when the harness sets it, else the repo's own folder
 * (this file runs from out/test/integration/support/).
 */
export function examplesDir(): string {
  return process.env.CRM_EXAMPLES_DIR ?? path.resolve(__dirname, '..', '..', '..', '..', 'examples');
}

/**
 * Starts `node load.js --scenario <scenario>` against ws://127.0.0.1:<port>, in its own
 * process group so stop() also ends anything it started. Bounded by `durationS` even
 * if the test forgets to stop it.
 */
export function startLoad(o: { port: number; scenario: string; users: number; rate: number; durationS: number; extraArgs?: readonly string[] }): RunningLoad {
  const script = path.join(examplesDir(), 'load', 'load.js');
  if (!fs.existsSync(script)) {
    throw new Error(`The load generator is missing: ${script} does not exist (set CRM_EXAMPLES_DIR to the examples folder).`);
  }
  const args = ['--url', `ws://127.0.0.1:${o.port}`, '--scenario', o.scenario, '--users', String(o.users), '--rate', String(o.rate), '--duration', `${o.durationS}s`, ...(o.extraArgs ?? [])];
  // Under the desktop runner the host's execPath is Electron: this makes it plain Node.
  const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  return startNode(script, args, env);
}
