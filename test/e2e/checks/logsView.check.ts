/**
 * The Logs view through the real workbench: a copy of the example server runs from
 * inside the workspace and logs JSON lines to a file the settings name; the errors
 * load scenario makes it throw; the Logs view shows the error group, and a click on
 * its top frame opens mentions.ts at the TypeScript line (source-mapped), which the
 * editor's cursor position confirms. Screenshots of the view and of the editor. One
 * definition for every display language ({@link logsGroupCheck}): the words each one
 * reads are its parameters.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { E2eCheck } from '../support/check';
import { startNode } from '../support/childProcesses';
import type { Workbench } from '../support/workbench';
import { runCommand, updateWorkspaceSettings, waitUntil } from '../support/workbenchUi';

/** Closes every editor; an untitled one (the report check's) asks to save: answer `dontSave` ("Don't Save"). */
async function closeAllEditors(wb: Workbench, dontSaveLabel: string): Promise<void> {
  // Only an editor with unsaved changes asks (its tab is marked dirty): no need to wait for a dialog otherwise.
  const dirty = await wb.page.locator('.tabs-container .tab.dirty').count();
  await runCommand(wb, 'View: Close All Editors');
  if (dirty === 0) return;
  const dontSave = wb.page.locator('.monaco-dialog-box button', { hasText: dontSaveLabel });
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

/** What the Logs group check reads in one display language. */
export interface LogsGroupWords {
  readonly name: string;
  readonly order: number;
  readonly locale?: string;
  /** The folder in the workspace the logging copy of the server runs from. */
  readonly copy: string;
  /** The group's times ("last 23:41:02, first 23:40:58"). */
  readonly seen: RegExp;
  /** The top frame link's title, for its `label` ("Open chat-server-copy/src/mentions.ts:21:24"). */
  readonly openTitle: (label: string) => string;
  /** The editor's cursor position in the status bar at line 21, column 24. */
  readonly cursorAt21: RegExp;
  /** The save dialog's button that closes an editor without saving. */
  readonly dontSave: string;
}

/** The errors scenario's TypeError group in the Logs view, with its live tail, and a click on its top frame to mentions.ts line 21 — read in the words of `w`. */
export function logsGroupCheck(w: LogsGroupWords): E2eCheck {
  const shot = (name: string): string => `${w.locale ? `${w.locale}-` : ''}${name}`;
  return {
    name: w.name,
    order: w.order,
    ...(w.locale ? { locale: w.locale } : {}),
    timeoutMs: 120000,
    async run(wb) {
      // The extension is active once its status bar item shows a reading (alone, this check can come first).
      await wb.statusBarItem(/\d+% · /).first().waitFor({ timeout: 45000 });
      const { server, port } = await startLoggingCopy(wb, w.copy);
      try {
        await wb.page.waitForTimeout(2000);
        // One webview on screen: the Logs view.
        await closeAllEditors(wb, w.dontSave);
        await runCommand(wb, wb.commandLabel('chatroomMonitor.showLogs'));
        const frame = wb.page.frameLocator('iframe.webview').frameLocator('#active-frame');
        await frame.locator('.logs-header h1').waitFor({ timeout: 20000 });

        const sent = await sendErrors(wb, port);

        const group = frame.locator('.group', { hasText: 'TypeError' }).filter({ has: frame.locator('.frame-link', { hasText: w.copy }) });
        const count = group.locator('.count');
        await waitUntil(wb, `the TypeError group with ${sent}×`, async () => (await count.first().innerText({ timeout: 1000 })) === `${sent}×`, 30000, () => frame.locator('.group-list').innerText({ timeout: 1000 }));
        const seen = (await group.first().locator('.seen').innerText()).trim();
        const topFrame = group.first().locator('.frame-link').first();
        const label = (await topFrame.innerText()).trim();
        const title = (await topFrame.getAttribute('title')) ?? '';
        console.log(`    Logs view: TypeError ${sent}×, "${seen}", top frame ${label} ("${title}")`);
        if (label !== `${w.copy}/src/mentions.ts:21:24`) throw new Error(`the top frame is "${label}"`);
        if (!w.seen.test(seen)) throw new Error(`the group's times do not read ${w.seen}: "${seen}"`);
        if (title !== w.openTitle(label)) throw new Error(`the frame link's title is "${title}", not "${w.openTitle(label)}"`);
        if ((await frame.locator('.log-row.level-error').count()) === 0) throw new Error('the live tail shows no error row');
        await wb.screenshot(shot('logs-view-group'));

        await topFrame.click();
        const tab = wb.page.locator('.tabs-container .tab.active', { hasText: 'mentions.ts' });
        await tab.first().waitFor({ timeout: 45000 }); // the editor tab takes seconds on a loaded machine (TypeScript analyses the file)
        const position = wb.page.locator('#status\\.editor\\.selection');
        await waitUntil(wb, 'the cursor at line 21', async () => w.cursorAt21.test(await position.innerText({ timeout: 1000 })), 30000, () => position.innerText({ timeout: 1000 }));
        console.log(`    editor: mentions.ts, ${(await position.innerText()).trim()}`);
        await wb.screenshot(shot('logs-view-click-to-source'));
      } finally {
        updateWorkspaceSettings(wb, { 'chatroomMonitor.logs.files': undefined });
        await server.stop();
        await closeAllEditors(wb, w.dontSave).catch(() => undefined);
      }
    },
  };
}

export const checks: E2eCheck[] = [
  logsGroupCheck({
    name: 'Logs view shows the errors scenario\'s group; clicking its top frame opens mentions.ts at line 21',
    order: 60,
    copy: 'chat-server-copy',
    seen: /^last .+, first .+$/,
    openTitle: (label) => `Open ${label}`,
    cursorAt21: /^Ln 21, Col 24/,
    dontSave: "Don't Save",
  }),
];
