// Debian's Chromium driven by playwright-core (no browser download), pointed at a
// code-server workbench.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';

/** Flags that keep Chromium headless, quiet and off the network. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The Chromium binary: $CHROMIUM, else /usr/bin/chromium. */
export function chromiumPath() {
  return process.env.CHROMIUM ?? '/usr/bin/chromium';
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
