/**
 * Start Server from the command palette: the monitor starts the example chat server
 * from the workspace settings, its output appears in the "Chat server" terminal, and
 * the server's status-bar item goes live with the pid; Stop Server stops it.
 */
import * as net from 'net';
import * as path from 'path';
import type { E2eCheck } from '../support/check';
import type { Workbench } from '../support/workbench';
import { clearNotifications, runCommand, updateWorkspaceSettings } from '../support/workbenchUi';

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

/** The settings that make Start Server run the example server on `port` (and the terminal's text readable). */
export function useExampleServer(wb: Workbench, port: number): void {
  updateWorkspaceSettings(wb, {
    'chatroomMonitor.server.command': 'node',
    'chatroomMonitor.server.args': [path.join(wb.env.examplesDir, 'chat-server', 'server.js'), '--port', String(port)],
    // The DOM renderer puts the terminal's text in the page, where the check can read it.
    'terminal.integrated.gpuAcceleration': 'off',
  });
}

/** Throws unless `pid` is gone within 10 s (after Stop Server). */
export async function expectStopped(wb: Workbench, pid: number): Promise<void> {
  for (let i = 0; i < 50 && isRunning(pid); i++) {
    await wb.page.waitForTimeout(200);
  }
  if (isRunning(pid)) {
    throw new Error(`pid ${pid} still runs after Stop Server`);
  }
}

/** Kills what Stop Server left running and takes the settings of {@link useExampleServer} out again. */
export function forgetExampleServer(wb: Workbench, pid: number | undefined): void {
  if (pid && isRunning(pid)) {
    process.kill(pid, 'SIGKILL');
  }
  updateWorkspaceSettings(wb, { 'chatroomMonitor.server.command': undefined, 'chatroomMonitor.server.args': undefined, 'terminal.integrated.gpuAcceleration': undefined });
}

/** What Start Server shows in one display language. */
export interface StartServerWords {
  readonly name: string;
  readonly order: number;
  readonly locale?: string;
  /** The server's status bar item while it runs ("server 1234"), with the pid as group 1. */
  readonly running: RegExp;
  /** The item once Stop Server stopped it. */
  readonly stopped: RegExp;
  /** The name of the terminal with the server's output. */
  readonly terminal: string;
}

/**
 * Start Server from the palette runs the example server (its output in the server's
 * terminal, the status bar item live with the pid); Stop Server stops it and its pid is gone.
 */
export function startServerCheck(w: StartServerWords): E2eCheck {
  return {
    name: w.name,
    order: w.order,
    ...(w.locale ? { locale: w.locale } : {}),
    timeoutMs: 90000,
    async run(wb) {
      const port = await freePort();
      useExampleServer(wb, port);
      let pid: number | undefined;
      try {
        await wb.page.waitForTimeout(1500);
        await clearNotifications(wb);
        const item = wb.statusBarItem(w.running).first();
        await runCommand(wb, wb.commandLabel('chatroomMonitor.startServer'), { what: "the server's status bar item with its pid", locator: item });
        pid = Number(w.running.exec(await item.innerText())?.[1]);
        const output = wb.page.locator('.terminal-wrapper .xterm-rows', { hasText: `listening on http://127.0.0.1:${port}` });
        await output.first().waitFor({ timeout: 30000 });
        await wb.page.locator('#workbench\\.parts\\.panel', { hasText: w.terminal }).first().waitFor({ timeout: 10000 });
        console.log(`    status bar: "${(await item.innerText()).trim()}"; terminal "${w.terminal}": ${(await output.first().innerText()).split('\n').find((l) => l.includes('listening')) ?? ''}`);
        await wb.screenshot(`${w.locale ? `${w.locale}-` : ''}start-server-terminal`);
        await runCommand(wb, wb.commandLabel('chatroomMonitor.stopServer'), { what: "the server's status bar item saying it stopped", locator: wb.statusBarItem(w.stopped), timeoutMs: 20000 });
        await expectStopped(wb, pid);
      } finally {
        forgetExampleServer(wb, pid);
      }
    },
  };
}

export const checks: E2eCheck[] = [
  startServerCheck({
    name: 'Start Server from the palette: the terminal shows the server\'s output and the status bar goes live',
    order: 95,
    running: /server (\d+)/,
    stopped: /server stopped/,
    terminal: 'Chat server',
  }),
];
