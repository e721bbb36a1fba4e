/**
 * The status bar glance, read from the DOM: it shows the example server's live CPU %
 * and memory, and the numbers move when the load generator makes the server work.
 */
import * as path from 'path';
import type { E2eCheck } from '../support/check';
import { startNode } from '../support/childProcesses';
import { Workbench, parseCpuAndMemory } from '../support/workbench';

const LIVE_TEXT = /\d+\s*%\s*·\s*\d+(\.\d+)?\s*Mi?B/;
/** cpu-burn makes each message cost ~8 ms of CPU: 20 users × 5 msg/s ≈ 80% of a core. */
const CPU_FLOOR_UNDER_LOAD_PERCENT = 25;
const LOAD_DURATION_S = 40;
const READ_EVERY_MS = 1000;
const MAX_READS = 30;

async function readStatus(wb: Workbench): Promise<{ text: string; cpuPercent: number; memoryMb: number }> {
  const text = (await wb.statusBarItem(LIVE_TEXT).first().innerText()).replace(/\s+/g, ' ').trim();
  const v = parseCpuAndMemory(text);
  if (!v) {
    throw new Error(`the status bar item text "${text}" has no "N% · N MB"`);
  }
  return { text, ...v };
}

/**
 * Under cpu-burn the status bar's CPU % rises above its idle value and changes from read
 * to read (the figures are the same in every display language; `locale` picks the window).
 */
export function statusBarUnderLoadCheck(w: { readonly name: string; readonly order: number; readonly locale?: string }): E2eCheck {
  return {
    name: w.name,
    order: w.order,
    ...(w.locale ? { locale: w.locale } : {}),
    timeoutMs: 90000,
    async run(wb) {
      const idle = await readStatus(wb);
      const load = startNode(path.join(wb.env.examplesDir, 'load', 'load.js'), [
        '--url', `ws://127.0.0.1:${wb.env.serverPort}`, '--scenario', 'cpu-burn', '--users', '20', '--rate', '5', '--duration', `${LOAD_DURATION_S}s`,
      ]);
      const seen: { cpuPercent: number; memoryMb: number; text: string }[] = [];
      try {
        for (let i = 0; i < MAX_READS; i++) {
          await wb.page.waitForTimeout(READ_EVERY_MS);
          if (load.child.exitCode !== null && load.child.exitCode !== 0) {
            throw new Error(`the load generator exited with code ${load.child.exitCode}: ${load.output().slice(-500)}`);
          }
          seen.push(await readStatus(wb));
          const cpus = new Set(seen.map((r) => r.cpuPercent));
          if (seen.length >= 5 && Math.max(...cpus) >= CPU_FLOOR_UNDER_LOAD_PERCENT && cpus.size >= 3) {
            break;
          }
        }
        await wb.screenshot(`${w.locale ? `${w.locale}-` : ''}status-bar-under-load`);
      } finally {
        await load.stop();
      }
      const cpus = seen.map((r) => r.cpuPercent);
      console.log(`    idle: "${idle.text}"; under load CPU % read: ${cpus.join(', ')}; MB: ${seen.map((r) => r.memoryMb).join(', ')}`);
      const peak = Math.max(...cpus);
      if (peak < CPU_FLOOR_UNDER_LOAD_PERCENT) {
        throw new Error(`CPU % under load peaked at ${peak}%, below the ${CPU_FLOOR_UNDER_LOAD_PERCENT}% floor (idle was ${idle.cpuPercent}%)`);
      }
      if (peak <= idle.cpuPercent) {
        throw new Error(`CPU % did not rise above its idle value ${idle.cpuPercent}%`);
      }
      if (new Set(cpus).size < 3) {
        throw new Error(`the status bar showed only ${new Set(cpus).size} distinct CPU values in ${cpus.length} reads: not live`);
      }
    },
  };
}

export const checks: E2eCheck[] = [
  {
    name: 'status bar shows the chat server\'s CPU % and memory with the pulse icon',
    order: 10,
    timeoutMs: 60000,
    async run(wb) {
      const item = wb.statusBarItem(LIVE_TEXT).first();
      await item.waitFor({ timeout: 45000 });
      const icons = await item.locator('.codicon-pulse').count();
      if (icons < 1) {
        throw new Error('the status bar item has no $(pulse) codicon');
      }
      const s = await readStatus(wb);
      console.log(`    status bar: "${s.text}"`);
      if (s.memoryMb < 10 || s.memoryMb > 4096) {
        throw new Error(`memory ${s.memoryMb} MB is not plausible for the chat server`);
      }
    },
  },
  statusBarUnderLoadCheck({ name: 'status bar CPU % rises and changes under cpu-burn load', order: 20 }),
];
