/**
 * Issue 15 where the user meets it: under cpu-burn, "Capture CPU Profile" from the
 * palette profiles a copy of the example server running from inside the workspace
 * (so its frames are workspace files), says where the CPU went, and the hot line of
 * burnCpu carries "N% self CPU in the HH:MM profile" in the editor (screenshot);
 * "Clear Profile Marks" removes it. One definition for every display language
 * ({@link profileMarksCheck}): the words each one reads are its parameters.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import type { E2eCheck } from '../support/check';
import { startNode } from '../support/childProcesses';
import type { Workbench } from '../support/workbench';
import { clearNotifications, runCommand, toast, updateWorkspaceSettings } from '../support/workbenchUi';

const COPY = 'profile-server';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** The texts the editor shows after its lines (decorations are ::after content, not DOM text). */
async function afterTexts(wb: Workbench): Promise<string[]> {
  return wb.page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll('.monaco-editor .view-lines span'))) {
      const c = getComputedStyle(el, '::after').content;
      if (c && c !== 'none' && c !== 'normal') {
        out.push(c.replace(/^"|"$/g, ''));
      }
    }
    return out;
  });
}

async function waitForMark(wb: Workbench, mark: RegExp, present: boolean, timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await afterTexts(wb)).find((t) => mark.test(t));
    if (Boolean(found) === present) {
      return found;
    }
    if (Date.now() > deadline) {
      throw new Error(present ? `no mark matching ${mark} in the editor; the editor's after-line texts: ${(await afterTexts(wb)).join(' | ').slice(0, 300) || 'none'}` : `the mark "${found}" is still shown after Clear Profile Marks`);
    }
    await wb.page.waitForTimeout(250);
  }
}

/** What the profile-marks check reads in one display language. */
export interface ProfileMarksWords {
  readonly name: string;
  readonly order: number;
  readonly locale?: string;
  /** The toast while the profile records, for the server's `pid`. */
  readonly recording: (pid: number) => RegExp;
  /** The toast once it is saved, naming burnCpu in `file` (a RegExp source for the copy's faultInjection.js): group 1 the percent, group 2 the line. */
  readonly saved: (file: string) => RegExp;
  /** The text after the hot line ("41% self CPU in the 14:02 profile"). */
  readonly mark: RegExp;
}

/** Under cpu-burn, Capture CPU Profile names burnCpu's line, the editor marks it, and Clear Profile Marks removes the mark — read in the words of `w`. */
export function profileMarksCheck(w: ProfileMarksWords): E2eCheck {
  return {
    name: w.name,
    order: w.order,
    ...(w.locale ? { locale: w.locale } : {}),
    timeoutMs: 120000,
    async run(wb) {
      const dir = path.join(wb.env.folder, COPY);
      const src = path.join(wb.env.examplesDir, 'chat-server');
      fs.rmSync(dir, { recursive: true, force: true });
      fs.cpSync(src, dir, { recursive: true, filter: (f) => !f.includes(`${path.sep}node_modules`) });
      const port = await freePort();
      // --inspect-port=0: SIGUSR1 opens the inspector on a free port (9229 is shared on this machine).
      const server = startNode(path.join(dir, 'server.js'), ['--port', String(port)], {
        ...process.env,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect-port=0`.trim(),
        NODE_PATH: [path.join(src, 'node_modules'), path.resolve(wb.env.examplesDir, '..', 'node_modules')].join(path.delimiter),
      });
      let load: ReturnType<typeof startNode> | undefined;
      try {
        for (let i = 0; i < 100 && !server.output().includes('listening on'); i++) {
          await wb.page.waitForTimeout(200);
        }
        if (!server.output().includes('listening on')) {
          throw new Error(`the copied server did not start: ${server.output().slice(-300)}`);
        }
        updateWorkspaceSettings(wb, { 'chatroomMonitor.target.port': port, 'chatroomMonitor.metrics.url': `http://127.0.0.1:${port}/metrics` });
        load = startNode(path.join(wb.env.examplesDir, 'load', 'load.js'), ['--url', `ws://127.0.0.1:${port}`, '--scenario', 'cpu-burn', '--users', '20', '--rate', '5', '--duration', '60s']);
        // The settings reload and a few ticks on the new target.
        await wb.page.waitForTimeout(4000);
        await clearNotifications(wb);
        await runCommand(wb, wb.commandLabel('chatroomMonitor.captureCpuProfile'));
        const recording = toast(wb, w.recording(server.child.pid!));
        await recording.first().waitFor({ timeout: 15000 });
        const savedText = w.saved(`${COPY}/faultInjection\\.js`);
        const saved = toast(wb, savedText).first();
        await saved.waitFor({ timeout: 60000 });
        const m = savedText.exec(await saved.innerText())!;
        console.log(`    toast: ${m[0]}`);
        await load.stop();
        load = undefined;

        // Quick Open "file:line", as a user goes to the line the toast named.
        await wb.page.keyboard.press('Control+P');
        const input = wb.page.locator('.quick-input-widget input');
        await input.waitFor();
        await input.fill(`${COPY}/faultInjection.js:${m[2]}`);
        await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'faultInjection.js' }).first().waitFor({ timeout: 15000 });
        await wb.page.keyboard.press('Enter');
        const mark = await waitForMark(wb, w.mark, true, 15000);
        console.log(`    editor: line ${m[2]} shows "${mark}"`);
        await clearNotifications(wb);
        await wb.page.waitForTimeout(500);
        await wb.screenshot(`${w.locale ? `${w.locale}-` : ''}profile-marks-editor`);

        await runCommand(wb, wb.commandLabel('chatroomMonitor.clearProfileDecorations'));
        await waitForMark(wb, w.mark, false, 10000);
      } finally {
        await load?.stop();
        await server.stop();
        updateWorkspaceSettings(wb, { 'chatroomMonitor.target.port': wb.env.serverPort, 'chatroomMonitor.metrics.url': `http://127.0.0.1:${wb.env.serverPort}/metrics` });
        await runCommand(wb, 'View: Close All Editors').catch(() => undefined);
      }
    },
  };
}

export const checks: E2eCheck[] = [
  profileMarksCheck({
    name: 'Capture CPU Profile under cpu-burn marks the hot line of burnCpu in the editor; Clear Profile Marks removes it',
    order: 90,
    recording: (pid) => new RegExp(`recording a CPU profile of process ${pid}`),
    saved: (file) => new RegExp(`CPU profile saved — ([\\d.]+)% of CPU in burnCpu at ${file}:(\\d+)`),
    mark: /\d+% self CPU in the \d\d:\d\d profile/,
  }),
];
