/**
 * The Logs view through the real workbench: a copy of the example server runs from
 * inside the workspace and logs JSON lines to a file the settings name; the errors
 * load scenario makes it throw; the Logs view shows the error group, and a click on
 * its top frame opens mentions.ts at the TypeScript line (source-mapped), which the
 * editor's cursor position confirms. Screenshots of the view and of the editor.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { E2eCheck } from '../support/check';
import { startNode } from '../support/childProcesses';
import type { Workbench } from '../support/workbench';
import { runCommand, updateWorkspaceSettings, waitUntil } from '../support/workbenchUi';

/** Closes every editor; an untitled one (the report check's) asks to save: answer "Don't Save". */
async function closeAllEditors(wb: Workbench): Promise<void> {
  await runCommand(wb, 'View: Close All Editors');
  const dontSave = wb.page.locator('.monaco-dialog-box button', { hasText: "Don't Save" });
  // The dialog comes a moment after the command (isVisible does not wait: waitFor does).
  for (let i = 0; i < 5; i++) {
    const shown = await dontSave.first().waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false);
    if (!shown) return;
    await dontSave.first().click();
  }
}

/**
 * A copy of the example server under `<workspace>/<dirName>`, logging JSON lines to
 * server.log there, which chatroomMonitor.logs.files then names; resolves once it listens.
 */
export async function startLoggingCopy(wb: Workbench, dirName: string): Promise<{ server: ReturnType<typeof startNode>; port: number }> {
  const dir = path.join(wb.env.folder, dirName);
  fs.rmSync(dir, { recursive: true, force: true });
  const src = path.join(wb.env.examplesDir, 'chat-server');
  fs.cpSync(src, dir, { recursive: true, filter: (f) => !f.includes(`${path.sep}node_modules`) });
  const logFile = path.join(dir, 'server.log');
  const env = { ...process.env, NODE_PATH: [path.join(src, 'node_modules'), path.resolve(wb.env.examplesDir, '..', 'node_modules')].join(path.delimiter) };
  const server = startNode(path.join(dir, 'server.js'), ['--port', '0', '--log-file', logFile], env);
  await waitUntil(wb, 'the copied chat server to listen', () => Promise.resolve(/listening on http:\/\/127\.0\.0\.1:\d+/.test(server.output())), 20000, () => Promise.resolve(server.output()));
  const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(server.output())![1]);
  updateWorkspaceSettings(wb, { 'chatroomMonitor.logs.files': [`${dirName}/server.log`] });
  return { server, port };
}

/** The errors load scenario against the copy (4 s): resolves with the number of messages sent, each one a TypeError. */
export async function sendErrors(wb: Workbench, port: number): Promise<number> {
  const load = startNode(path.join(wb.env.examplesDir, 'load', 'load.js'), ['--url', `ws://127.0.0.1:${port}`, '--scenario', 'errors', '--users', '2', '--rate', '2', '--duration', '4s']);
  await new Promise<void>((r) => load.child.once('exit', () => r()));
  const sent = Number(/sent (\d+)/.exec(load.output())?.[1]);
  if (!(sent > 0)) throw new Error(`the load generator sent nothing: ${load.output().slice(-400)}`);
  return sent;
}

export const checks: E2eCheck[] = [
  {
    name: 'Logs view shows the errors scenario\'s group; clicking its top frame opens mentions.ts at line 21',
    order: 60,
    timeoutMs: 120000,
    async run(wb) {
      // The extension is active once its status bar item shows a reading (alone, this check can come first).
      await wb.statusBarItem(/\d+% · /).first().waitFor({ timeout: 45000 });
      const { server, port } = await startLoggingCopy(wb, 'chat-server-copy');
      try {
        await wb.page.waitForTimeout(2000);
        // One webview on screen: the Logs view.
        await closeAllEditors(wb);
        await runCommand(wb, 'Chat-Room Monitor: Show Logs');
        await wb.page.locator('.tabs-container .tab', { hasText: 'Logs' }).first().waitFor({ timeout: 15000 });
        const frame = wb.page.frameLocator('iframe.webview').frameLocator('#active-frame');
        await frame.locator('.logs-header h1').waitFor({ timeout: 20000 });

        const sent = await sendErrors(wb, port);

        const group = frame.locator('.group', { hasText: 'TypeError' });
        const count = group.locator('.count');
        await waitUntil(wb, `the TypeError group with ${sent}×`, async () => (await count.first().innerText({ timeout: 1000 })) === `${sent}×`, 30000, () => frame.locator('.group-list').innerText({ timeout: 1000 }));
        const topFrame = group.first().locator('.frame-link').first();
        const label = (await topFrame.innerText()).trim();
        console.log(`    Logs view: TypeError ${sent}×, top frame ${label}`);
        if (label !== 'chat-server-copy/src/mentions.ts:21:24') throw new Error(`the top frame is "${label}"`);
        if ((await frame.locator('.log-row.level-error').count()) === 0) throw new Error('the live tail shows no error row');
        await wb.screenshot('logs-view-group');

        await topFrame.click();
        const tab = wb.page.locator('.tabs-container .tab.active', { hasText: 'mentions.ts' });
        await tab.first().waitFor({ timeout: 45000 }); // the editor tab takes seconds on a loaded machine (TypeScript analyses the file)
        const position = wb.page.locator('#status\\.editor\\.selection');
        await waitUntil(wb, 'the cursor at line 21', async () => /Ln 21, Col 24/.test(await position.innerText({ timeout: 1000 })), 30000, () => position.innerText({ timeout: 1000 }));
        console.log(`    editor: mentions.ts, ${(await position.innerText()).trim()}`);
        await wb.screenshot('logs-view-click-to-source');
      } finally {
        updateWorkspaceSettings(wb, { 'chatroomMonitor.logs.files': undefined });
        await server.stop();
        await closeAllEditors(wb).catch(() => undefined);
      }
    },
  },
];
