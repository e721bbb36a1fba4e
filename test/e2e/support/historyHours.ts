/**
 * Hours of history on disk for the reload check, as the extension writes them: the
 * monitor's history folder in code-server's workspace storage is swapped, while
 * history.persist is off, for one written with the real HistoryLog — every series the
 * live history holds (the example server's and the monitor's own, with their labels
 * and units), at 1 Hz, ending now, drawn from the live values as historyDraw.ts says
 * (a random live tick each tick; a counter or the uptime, in order). The live folder is
 * kept beside it (history.live-<time>).
 */
import * as fs from 'fs';
import * as path from 'path';
import { HistoryLog, SeriesHistory } from '../../../src/core/store/historyLog';
import { Sample } from '../../../src/core/model';
import { mulberry32 } from '../../../src/core/analyze/random';
import { countsUp, drawHistory } from './historyDraw';
import type { Workbench } from './workbench';
import { updateWorkspaceSettings } from './workbenchUi';

/**
 * The monitor's history folders of this window's workspace (code-server keeps one storage
 * folder a workspace, its meta.json naming the workspace folder), newest-written first.
 */
export function historyDirs(wb: Workbench): string[] {
  if (!wb.env.argvFile) {
    throw new Error('the history check needs CRM_E2E_ARGV (code-server\'s argv.json, in its user data folder): run it through scripts/e2e.mjs');
  }
  const manifest = JSON.parse(fs.readFileSync(wb.env.manifestPath, 'utf8')) as { publisher: string; name: string };
  const root = path.join(path.dirname(path.dirname(wb.env.argvFile)), 'User', 'workspaceStorage');
  const ours = (w: string): boolean => {
    const meta = path.join(root, w, 'meta.json');
    return fs.existsSync(meta) && (JSON.parse(fs.readFileSync(meta, 'utf8')) as { name?: string }).name === path.basename(wb.env.folder);
  };
  const dirs = fs.existsSync(root) ? fs.readdirSync(root).filter(ours).map((w) => path.join(root, w, `${manifest.publisher}.${manifest.name}`, 'history')) : [];
  return dirs.filter((d) => fs.existsSync(d)).sort((a, b) => newestWrite(b) - newestWrite(a));
}

function files(dir: string): string[] {
  return fs.readdirSync(dir).map((f) => path.join(dir, f));
}

function newestWrite(dir: string): number {
  return Math.max(0, ...files(dir).map((f) => fs.statSync(f).mtimeMs));
}

/** Names and sizes of a folder's files: changes when anything is written. */
function signature(dir: string): string {
  return files(dir)
    .map((f) => `${path.basename(f)}:${fs.statSync(f).size}`)
    .sort()
    .join(',');
}

async function until(probe: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
  return true;
}

/**
 * Turns history.persist off (the extension closes its log, writing its head block),
 * moves the live history aside, writes `hours` of history ending now, and turns
 * persist on again (the extension reopens it and appends its ticks after them).
 * Returns the folder, the series written and the span.
 */
export async function writeHistoryHours(wb: Workbench, hours: number): Promise<{ dir: string; series: number; fromMs: number; toMs: number; bytes: number; writeMs: number }> {
  const dir = historyDirs(wb)[0];
  if (!dir) {
    throw new Error('no history folder in code-server\'s workspace storage: history.persist should be on by default');
  }
  const before = signature(dir);
  updateWorkspaceSettings(wb, { 'chatroomMonitor.history.persist': false });
  // Closing writes the head block (unless it was just written): then nothing more is written.
  const closed = await until(() => signature(dir) !== before, 5000);
  await new Promise((r) => setTimeout(r, 500));
  const aside = `${dir}.live-${Date.now()}`;
  fs.renameSync(dir, aside);
  const { log: live } = HistoryLog.open(aside, { readOnly: true });
  const liveSeries = [...live.read(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY).values()].filter((h) => finiteValues(h).length > 0);
  live.dispose();
  if (liveSeries.length === 0) {
    throw new Error(`the live history in ${aside} holds no samples`);
  }
  const started = Date.now();
  const toMs = Math.floor(started / 1000) * 1000 - 1000;
  const ticks = Math.round(hours * 3600);
  const fromMs = toMs - (ticks - 1) * 1000;
  const rows = drawHistory(
    liveSeries.map((h) => ({ values: finiteValues(h), countsUp: countsUp(h.name, h.meta) })),
    ticks,
    mulberry32(20),
  );
  const { log } = HistoryLog.open(dir);
  rows.forEach((row, k) => {
    const samples: Sample[] = liveSeries.map((h, i) => ({ name: h.name, labels: h.labels, value: row[i]!, ...(h.meta ? { meta: h.meta } : {}) }));
    log.append(fromMs + k * 1000, samples);
  });
  log.dispose();
  const writeMs = Date.now() - started;
  const bytes = files(dir).reduce((n, f) => n + fs.statSync(f).size, 0);
  const written = signature(dir);
  updateWorkspaceSettings(wb, { 'chatroomMonitor.history.persist': undefined });
  // Reopened: its next write (a run's start, a block) changes the folder.
  const reopened = await until(() => signature(dir) !== written, 10000);
  console.log(
    `    history: persist off (${closed ? 'the log closed' : 'no write on close'}), live history moved to ${path.basename(aside)}; wrote ${hours} h × ${liveSeries.length} series (${(bytes / 1024).toFixed(0)} KiB) in ${writeMs} ms; persist on (${reopened ? 'reopened' : 'no write yet'})`,
  );
  return { dir, series: liveSeries.length, fromMs, toMs, bytes, writeMs };
}

function finiteValues(h: SeriesHistory): number[] {
  return Array.from(h.values).filter((v) => Number.isFinite(v));
}
