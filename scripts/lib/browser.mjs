// Debian's Chromium driven by playwright-core (no browser download), pointed at a
// code-server workbench.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';

/** Flags that keep Chromium headless, quiet and off the network. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Debian's full Chromium: the browser a user runs; the workbench levels and the benchmarks drive it. */
export const FULL_CHROMIUM = '/usr/bin/chromium';
/**
 * Debian's chromium-headless-shell: the same Blink and V8, without the browser's own UI
 * (what Playwright itself runs for headless). Chromium 156's new headless mode is the
 * whole browser: each page it opens costs ~2.5 s of CPU in its first second (measured
 * here: 5 fresh pages, 17 s of CPU in the browser, 3 s in the shell). The webview level
 * opens a page a test: 132 s alone in the browser, 72 s in the shell.
 */
export const HEADLESS_SHELL = '/usr/bin/chromium-headless-shell';

/** The Chromium of the workbench levels (integration, e2e): $CHROMIUM, else the full Chromium. */
export function chromiumPath() {
  return process.env.CHROMIUM ?? FULL_CHROMIUM;
}

/** The Chromium of the webview level's pages: $CHROMIUM, else the headless shell when installed, else the full Chromium. */
export function pageChromiumPath() {
  return process.env.CHROMIUM ?? (fs.existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : FULL_CHROMIUM);
}

/**
 * The workbench URL for a folder. `payload` entries are [key, value] pairs the web
 * workbench reads (extensionDevelopmentPath, extensionTestsPath...); paths in it must
 * be vscode-remote:// URIs on the server side.
 * @param {string} baseUrl
 * @param {string} folder
 * @param {Array<[string, string]>} [payload]
 */
export function workbenchUrl(baseUrl, folder, payload = []) {
  const all = [['skipWelcome', 'true'], ...payload];
  return `${baseUrl}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(all))}`;
}

/** A vscode-remote:// URI for a server-side path. */
export function remoteUri(baseUrl, p) {
  return `vscode-remote://${new URL(baseUrl).host}${path.resolve(p)}`;
}

/**
 * Launches Chromium with a fresh profile and returns the page plus a close()
 * that also deletes the profile. Console lines (the remote extension host's
 * output is forwarded there, printf-style) are collected in `consoleLines`.
 * @param {{ onConsole?: (line: string) => void }} [o]
 */
export async function launchBrowser(o = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: CHROMIUM_ARGS,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  /** @type {string[]} */
  const consoleLines = [];
  page.on('console', async (m) => {
    let text = m.text();
    try {
      const vals = await Promise.all(m.args().map((a) => a.jsonValue().catch(() => String(a))));
      // The extension host's lines arrive as console.log('%c LEVEL', css, fmt, ...args).
      text = typeof vals[0] === 'string' && vals[0].startsWith('%c') ? util.format(...vals.slice(2)) : util.format(...vals);
    } catch {
      // Keep m.text().
    }
    consoleLines.push(text);
    o.onConsole?.(text);
  });
  page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
  const close = async () => {
    await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  };
  return { page, context, consoleLines, close };
}
