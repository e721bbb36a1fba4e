// A real VS Code (code-server 4.100.3 = VS Code 1.100.3, web workbench + Node
// extension host) for the integration tests, the end-to-end tests and the demo.
//
// Every run gets a throwaway profile, extensions folder and workspace under
// test-results/runs/<name>/, so nothing leaks between runs or into $HOME:
//   ud/User/settings.json   no welcome page, no telemetry, no update checks
//   exts/                   the freshly packaged .vsix is installed here
//   ws/.vscode/settings.json points chatroomMonitor.* at the example server
//   xdg-data/, xdg-config/  code-server's own files (heartbeat, logs, config)
//
// Workspace trust: `workspaceTrust: 'disabled'` (the default, used by the main runs)
// starts code-server with --disable-workspace-trust, so the folder is trusted and
// the workspace settings apply in full. `'untrusted'` enables trust and never
// prompts, so the folder opens in Restricted Mode: the integration suite uses this
// to check that restricted settings (chatroomMonitor.metrics.url) are ignored.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, runsDir } from './lib/paths.mjs';
import { freePort, startProcess, stopProcess, waitForHttp } from './lib/processes.mjs';

const run = promisify(execFile);

/**
 * Installs code-server into .cache once (scripts/install-code-server.sh; minutes the
 * first time, instant afterwards) and returns the path of its launcher.
 * @returns {Promise<string>}
 */
export async function ensureCodeServer() {
  const script = path.join(repoRoot, 'scripts', 'install-code-server.sh');
  const { stdout } = await new Promise((resolve, reject) => {
    // stderr is inherited: the first install is long and should show progress.
    const child = execFile('bash', [script], { maxBuffer: 1 << 20 }, (err, so) => (err ? reject(new Error(`${script} failed: ${err.message}`)) : resolve({ stdout: so })));
    child.stderr?.pipe(process.stderr);
  });
  const bin = stdout.trim().split('\n').pop() ?? '';
  if (!fs.existsSync(bin)) {
    throw new Error(`install-code-server.sh printed "${bin}", which is not a file.`);
  }
  return bin;
}

/**
 * @typedef {object} CodeServerOptions
 * @property {string} name                 folder name under test-results/runs (wiped first)
 * @property {Record<string, unknown>} workspaceSettings  written to ws/.vscode/settings.json
 * @property {string} [vsixPath]           installed into the throwaway extensions folder
 * @property {string[]} [moreVsixPaths]    installed too (a language pack for another display language)
 * @property {'disabled'|'untrusted'} [workspaceTrust]  see the file comment
 * @property {NodeJS.ProcessEnv} [env]     extra environment for code-server and so for the extension host
 * @property {boolean} [echo]              forward code-server's output to stdout
 */

/**
 * @typedef {object} CodeServer
 * @property {string} url            http://127.0.0.1:PORT
 * @property {number} port
 * @property {string} workspaceDir
 * @property {string} runDir
 * @property {string} version        "4.100.3 ... with Code 1.100.3"
 * @property {string} argvFile       its argv.json, whose `locale` is the display language of windows opened after it is written
 * @property {() => Promise<void>} stop   stops code-server and every process it started
 */

/**
 * Creates the throwaway profile and workspace, installs the .vsix, starts code-server
 * on a free loopback port with --auth none, and waits for /healthz.
 * @param {CodeServerOptions} o
 * @returns {Promise<CodeServer>}
 */
export async function startCodeServer(o) {
  const bin = await ensureCodeServer();
  const runDir = path.join(runsDir, o.name);
  fs.rmSync(runDir, { recursive: true, force: true });
  const dirs = { ud: path.join(runDir, 'ud'), exts: path.join(runDir, 'exts'), ws: path.join(runDir, 'ws'), data: path.join(runDir, 'xdg-data'), config: path.join(runDir, 'xdg-config') };
  for (const d of [path.join(dirs.ud, 'User'), dirs.exts, path.join(dirs.ws, '.vscode'), dirs.data, dirs.config]) {
    fs.mkdirSync(d, { recursive: true });
  }
  const trust = o.workspaceTrust ?? 'disabled';
  const userSettings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    // The throwaway workspace sits inside this repo: without these, Git offers to open
    // the parent repository in a notification that would cover what the checks look at.
    'git.enabled': false,
    'git.openRepositoryInParentFolders': 'never',
    'security.workspace.trust.enabled': trust !== 'disabled',
    // Restricted Mode without the modal prompt that would block the workbench.
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.emptyWindow': false,
  };
  fs.writeFileSync(path.join(dirs.ud, 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));
  fs.writeFileSync(path.join(dirs.ws, '.vscode', 'settings.json'), JSON.stringify(o.workspaceSettings, null, 2));
  fs.writeFileSync(path.join(dirs.ws, 'README.md'), '# Chat-Room Monitor test workspace\n\nThrowaway: recreated by every run.\n');

  const port = await freePort();
  const configFile = path.join(runDir, 'config.yaml');
  fs.writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  // XDG_*: keep code-server's heartbeat, logs and default config out of $HOME.
  const env = { ...process.env, ...o.env, XDG_DATA_HOME: dirs.data, XDG_CONFIG_HOME: dirs.config };
  const common = ['--config', configFile, '--user-data-dir', dirs.ud, '--extensions-dir', dirs.exts];

  const { stdout: versionOut } = await run(bin, [...common, '--version'], { env });
  const vsixPaths = [o.vsixPath, ...(o.moreVsixPaths ?? [])].filter(Boolean);
  if (vsixPaths.length > 0) {
    // One CLI run for all of them: each start of code-server's CLI costs seconds on a loaded machine.
    await run(bin, [...common, ...vsixPaths.flatMap((v) => ['--install-extension', v])], { env }).catch((err) => {
      throw new Error(`code-server could not install ${vsixPaths.join(', ')}: ${err.stderr || err.message}`);
    });
  }
  if (o.moreVsixPaths?.length) {
    writeLanguagePacksCache(dirs.ud, dirs.exts);
  }
  const args = [...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override'];
  if (trust === 'disabled') {
    args.push('--disable-workspace-trust');
  }
  args.push(dirs.ws);
  const entry = startProcess('code-server', bin, args, { env, logFile: path.join(runDir, 'code-server.log'), echo: o.echo });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/healthz`, 60000, entry);
  } catch (err) {
    await stopProcess(entry);
    throw err;
  }
  return { url, port, workspaceDir: dirs.ws, runDir, argvFile: path.join(dirs.ud, 'User', 'argv.json'), version: versionOut.trim().split('\n')[0] ?? '', entry, stop: () => stopProcess(entry) };
}

/**
 * VS Code finds the display languages it can offer in <user-data-dir>/languagepacks.json,
 * which its running server writes when a language pack is installed from the workbench
 * (a post-install step of its language-pack service) — but not when one is installed with
 * the `--install-extension` CLI, as here. So we write it as that service does
 * (vs/platform/languagePacks/node/languagePacks.ts, VS Code 1.100): per language id, the
 * contributing extensions, the md5 of their ids and versions (the name of the folder the
 * server builds the translated messages in), and each translation file's path.
 * @param {string} userDataDir
 * @param {string} extensionsDir
 */
function writeLanguagePacksCache(userDataDir, extensionsDir) {
  const packs = {};
  for (const folder of fs.readdirSync(extensionsDir)) {
    const manifestFile = path.join(extensionsDir, folder, 'package.json');
    if (!fs.existsSync(manifestFile)) {
      continue;
    }
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    const id = `${manifest.publisher}.${manifest.name}`.toLowerCase();
    for (const loc of manifest.contributes?.localizations ?? []) {
      const pack = (packs[loc.languageId] ??= { hash: '', extensions: [], translations: {}, label: loc.localizedLanguageName ?? loc.languageName });
      pack.extensions.push({ extensionIdentifier: { id }, version: manifest.version });
      for (const t of loc.translations) {
        pack.translations[t.id] = path.join(extensionsDir, folder, t.path);
      }
    }
  }
  for (const pack of Object.values(packs)) {
    const md5 = crypto.createHash('md5');
    for (const e of pack.extensions) {
      md5.update(e.extensionIdentifier.id).update(e.version);
    }
    pack.hash = md5.digest('hex');
  }
  fs.writeFileSync(path.join(userDataDir, 'languagepacks.json'), JSON.stringify(packs));
}
