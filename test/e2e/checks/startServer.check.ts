/**
 * Start Server from the command palette: the monitor starts the example chat server
 * from the workspace settings, its output appears in the "Chat server" terminal, and
 * the server's status-bar item goes live with the pid; Stop Server stops it.
 */
import * as net from 'net';
import * as path from 'path';
import type { E2eCheck } from '../support/check';
import { runCommand, updateWorkspaceSettings } from '../support/workbenchUi';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const checks: E2eCheck[] = [
  {
    name: 'Start Server from the palette: the terminal shows the server\'s output and the status bar goes live',
    order: 95,
    timeoutMs: 90000,
    async run(wb) {
      const port = await freePort();
      updateWorkspaceSettings(wb, {
        'chatroomMonitor.server.command': 'node',
        'chatroomMonitor.server.args': [path.join(wb.env.examplesDir, 'chat-server', 'server.js'), '--port', String(port)],
        // The DOM renderer puts the terminal's text in the page, where the check can read it.
        'terminal.integrated.gpuAcceleration': 'off',
      });
      let pid: number | undefined;
      try {
        await wb.page.waitForTimeout(1500);
        await runCommand(wb, 'Chat-Room Monitor: Start Server');
        const item = wb.statusBarItem(/server \d+/).first();
        await item.waitFor({ timeout: 30000 });
        pid = Number(/server (\d+)/.exec(await item.innerText())?.[1]);
        console.log(`    status bar: "${(await item.innerText()).trim()}"`);
        const output = wb.page.locator('.terminal-wrapper .xterm-rows', { hasText: `listening on http://127.0.0.1:${port}` });
        await output.first().waitFor({ timeout: 30000 });
        console.log(`    terminal: ${(await output.first().innerText()).split('\n').find((l) => l.includes('listening')) ?? ''}`);
        await wb.screenshot('start-server-terminal');
        await runCommand(wb, 'Chat-Room Monitor: Stop Server');
        await wb.statusBarItem(/server stopped/).first().waitFor({ timeout: 20000 });
        for (let i = 0; i < 50 && isRunning(pid); i++) {
          await wb.page.waitForTimeout(200);
        }
        if (isRunning(pid)) {
          throw new Error(`pid ${pid} still runs after Stop Server`);
        }
      } finally {
        if (pid && isRunning(pid)) {
          process.kill(pid, 'SIGKILL');
        }
        updateWorkspaceSettings(wb, { 'chatroomMonitor.server.command': undefined, 'chatroomMonitor.server.args': undefined, 'terminal.integrated.gpuAcceleration': undefined });
      }
    },
  },
];
