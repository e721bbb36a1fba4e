/**
 * A real VS Code web workbench (code-server) in Debian's Chromium, driven by
 * playwright-core, with the few page operations the e2e checks share.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BrowserContext, Locator, Page, chromium } from 'playwright-core';
import { openPalette } from './quickInput';

/** What the harness (scripts/e2e.mjs) tells the run, via environment variables. */
export interface E2eEnv {
  /** code-server's base URL, http://127.0.0.1:PORT (CRM_E2E_URL). */
  readonly url: string;
  /** The workspace folder on the server (CRM_E2E_FOLDER). */
  readonly folder: string;
  /** The example chat server the workspace settings point at (CRM_TEST_SERVER_PORT). */
  readonly serverPort: number;
  /** examples/ folder, for the load generator (CRM_EXAMPLES_DIR). */
  readonly examplesDir: string;
  /** The extension's package.json (CRM_TEST_MANIFEST): commands are read from it. */
  readonly manifestPath: string;
  /** Where screenshots go (CRM_E2E_SHOTS). */
  readonly shotsDir: string;
  /** The workbench's display language when not English (zh-cn): set by the runner for a lane. */
  readonly locale?: string;
  /** code-server's argv.json (CRM_E2E_ARGV): where its display language is chosen. */
  readonly argvFile?: string;
}

/** Reads the harness' environment; throws one sentence naming what is missing. */
export function e2eEnvFromProcess(): E2eEnv {
  const need = (name: string): string => {
    const v = process.env[name];
    if (!v) {
      throw new Error(`${name} is not set: run the e2e level through scripts/e2e.mjs (npm test), which starts code-server and the chat server.`);
    }
    return v;
  };
  return {
    url: need('CRM_E2E_URL'),
    folder: need('CRM_E2E_FOLDER'),
    serverPort: Number(need('CRM_TEST_SERVER_PORT')),
    examplesDir: need('CRM_EXAMPLES_DIR'),
    manifestPath: need('CRM_TEST_MANIFEST'),
    shotsDir: need('CRM_E2E_SHOTS'),
    ...(process.env.CRM_E2E_ARGV ? { argvFile: process.env.CRM_E2E_ARGV } : {}),
  };
}

/**
 * Chooses the display language of the windows opened from now on, as code-server's
 * "Configure Display Language" does: the `locale` of its argv.json, read for each new
 * window (a language pack for it must be installed: scripts/lib/languagePack.mjs).
 * `undefined` goes back to English. Windows already open keep their language.
 */
export function setDisplayLanguage(env: E2eEnv, locale: string | undefined): void {
  if (!locale) {
    if (env.argvFile) {
      fs.rmSync(env.argvFile, { force: true });
    }
    return;
  }
  if (!env.argvFile) {
    throw new Error(`the ${locale} checks need CRM_E2E_ARGV (code-server's argv.json): run them through scripts/e2e.mjs`);
  }
  fs.mkdirSync(path.dirname(env.argvFile), { recursive: true });
  fs.writeFileSync(env.argvFile, JSON.stringify({ locale }, null, 2));
}

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** `12% · 148 MB` (or MiB) anywhere in a text → numbers; undefined when the text has none. */
export function parseCpuAndMemory(text: string): { cpuPercent: number; memoryMb: number } | undefined {
  const m = /(\d+(?:\.\d+)?)\s*%\s*·\s*(\d+(?:\.\d+)?)\s*Mi?B/.exec(text);
  return m ? { cpuPercent: Number(m[1]), memoryMb: Number(m[2]) } : undefined;
}

export class Workbench {
  private constructor(
    readonly page: Page,
    readonly env: E2eEnv,
    private readonly context: BrowserContext,
    private readonly profileDir: string,
    /** Browser console lines, for the failure report. */
    readonly consoleLines: string[],
    /** When the window was opened (Date.now()): anything of this window's began after it. */
    readonly openedAtMs: number,
  ) {}

  /** Launches Chromium with a fresh profile and opens the workspace; resolves when the status bar is drawn. */
  static async open(env: E2eEnv): Promise<Workbench> {
    const openedAtMs = Date.now();
    const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-e2e-chromium-'));
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: CHROMIUM_ARGS,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(30000);
    const lines: string[] = [];
    // An error's source address too: "Failed to load resource: 404" alone does not say whose resource it was.
    page.on('console', (m) => lines.push(`[${m.type()}] ${m.text()}${m.type() === 'error' && m.location().url ? ` (at ${m.location().url})` : ''}`));
    page.on('pageerror', (e) => lines.push(`[pageerror] ${e.message}`));
    const payload = JSON.stringify([['skipWelcome', 'true']]);
    // The workbench's scripts are large: on a loaded shared machine the first load takes well over 30 s.
    const OPEN_TIMEOUT_MS = 150_000;
    await page.goto(`${env.url}/?folder=${encodeURIComponent(env.folder)}&payload=${encodeURIComponent(payload)}`, { waitUntil: 'domcontentloaded', timeout: OPEN_TIMEOUT_MS });
    await page.locator('.monaco-workbench').waitFor({ timeout: OPEN_TIMEOUT_MS });
    await page.locator('#workbench\\.parts\\.statusbar').waitFor({ timeout: OPEN_TIMEOUT_MS });
    return new Workbench(page, env, context, profileDir, lines, openedAtMs);
  }

  /** The extension's contributed commands, from its package.json (never a hard-coded list). */
  contributedCommands(): { command: string; title: string; category?: string }[] {
    const manifest = JSON.parse(fs.readFileSync(this.env.manifestPath, 'utf8')) as {
      contributes?: { commands?: { command: string; title: string; category?: string }[]; menus?: { commandPalette?: { command: string; when?: string }[] } };
    };
    // Commands the manifest hides from the palette (`when: "false"`: internal ones that take arguments) are not for people to find there.
    const hidden = new Set((manifest.contributes?.menus?.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command));
    // Titles are `%key%`s resolved through package.nls.json (package.nls.<locale>.json for another display language).
    const nlsFile = path.join(path.dirname(this.env.manifestPath), this.env.locale ? `package.nls.${this.env.locale}.json` : 'package.nls.json');
    const nls = (fs.existsSync(nlsFile) ? JSON.parse(fs.readFileSync(nlsFile, 'utf8')) : {}) as Record<string, string>;
    const text = (s: string): string => s.replace(/^%([^%]+)%$/, (m, k: string) => nls[k] ?? m);
    return (manifest.contributes?.commands ?? [])
      .filter((c) => !hidden.has(c.command))
      .map((c) => ({ ...c, title: text(c.title), ...(c.category ? { category: text(c.category) } : {}) }));
  }

  /** "Category: Title" of one of the extension's commands as the palette shows it in this window's display language. */
  commandLabel(command: string): string {
    const c = this.contributedCommands().find((x) => x.command === command);
    if (!c) {
      throw new Error(`the manifest contributes no command ${command}`);
    }
    return c.category ? `${c.category}: ${c.title}` : c.title;
  }

  /** Status bar items whose text matches `pattern`. */
  statusBarItem(pattern: RegExp): Locator {
    return this.page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: pattern });
  }

  /** Opens the command palette (F1) with `query` typed, and keeps it open (support/quickInput.ts); returns its rows. */
  async commandPalette(query: string): Promise<Locator> {
    await openPalette(this, query);
    return this.page.locator('.quick-input-widget .monaco-list-row');
  }

  /** Closes the command palette or any other quick input. */
  async closeQuickInput(): Promise<void> {
    if (await this.page.locator('.quick-input-widget input').isVisible()) {
      await this.page.keyboard.press('Escape');
    }
  }

  /** Saves a PNG under the shots folder and returns its path. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(this.env.shotsDir, { recursive: true });
    const file = path.join(this.env.shotsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /**
   * Leaves the workbench first, as closing its tab does: the workbench shuts down and
   * code-server ends the window's extension host. A browser closed with the workbench
   * still open leaves that host running for code-server's reconnection grace (minutes),
   * still watching the workspace, writing its history and holding the OTLP port — beside
   * the next lane's window.
   */
  async close(): Promise<void> {
    await this.page.goto('about:blank', { timeout: 15000 }).catch(() => undefined);
    await this.context.close().catch(() => undefined);
    fs.rmSync(this.profileDir, { recursive: true, force: true });
  }
}
