/**
 * `npm run test:desktop`: the same integration suite in desktop VS Code through
 * @vscode/test-electron (downloads VS Code into .vscode-test/ — needs the network,
 * so CI and `npm test` use code-server instead; see scripts/integration.mjs).
 * Starts the example chat server, writes a throwaway workspace whose settings watch
 * it, runs the suite with the same CRM_TEST_* environment, and stops the server.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';
import { startNode } from '../e2e/support/childProcesses';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

async function startChatServer(): Promise<{ port: number; pid: number; stop: () => Promise<void> }> {
  const server = startNode(path.join(repoRoot, 'examples', 'chat-server', 'server.js'), ['--port', '0']);
  const deadline = Date.now() + 15000;
  for (;;) {
    const m = /chat-server listening on http:\/\/127\.0\.0\.1:(\d+) \(pid (\d+)\)/.exec(server.output());
    if (m) {
      return { port: Number(m[1]), pid: Number(m[2]), stop: server.stop };
    }
    if (Date.now() > deadline || server.child.exitCode !== null) {
      await server.stop();
      throw new Error(`the example chat server did not start: ${server.output().slice(-1000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<number> {
  const server = await startChatServer();
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-desktop-ws-'));
  try {
    const metricsUrl = `http://127.0.0.1:${server.port}/metrics`;
    fs.mkdirSync(path.join(workspace, '.vscode'));
    fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({
      'chatroomMonitor.target.port': server.port,
      'chatroomMonitor.metrics.url': metricsUrl,
      'chatroomMonitor.sampleIntervalMs': 1000,
    }, null, 2));
    await runTests({
      version: '1.100.3',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(__dirname, 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome'],
      extensionTestsEnv: {
        CRM_TEST_SERVER_PORT: String(server.port),
        CRM_TEST_SERVER_PID: String(server.pid),
        CRM_TEST_METRICS_URL: metricsUrl,
        CRM_TEST_WORKSPACE_TRUST: 'disabled',
        CRM_TEST_RESULT_FILE: path.join(workspace, 'result.json'),
      },
    });
    return 0;
  } catch (err) {
    console.error(`desktop integration tests failed: ${(err as Error).message ?? String(err)}`);
    return 1;
  } finally {
    await server.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

void main().then((code) => process.exit(code));
