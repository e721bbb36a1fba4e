#!/usr/bin/env node
// The set-up step of `npm run demo` and `npm run bench`, so either works first on a
// fresh clone (before .ci/run). Plain Node, no npm package: it runs before they exist.
// Installs what is missing, one progress line per step:
//   npm packages (npm ci, when one is missing) → the example server's packages (the same) → for the demo,
//   code-server into .cache (scripts/install-code-server.sh; minutes, once).
// What it cannot install (apt packages) it names in one sentence with the command
// that does, and exits 1.
//
// Usage: node scripts/setup.mjs demo|bench
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const what = process.argv[2] === 'bench' ? 'bench' : 'demo';
const env = { ...process.env, npm_config_yes: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };

function say(line) {
  console.log(`${what} set-up: ${line}`);
}

function fail(sentence) {
  console.error(`${what} set-up: ${sentence}`);
  process.exit(1);
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit' });
  if (r.status !== 0) {
    fail(`"${cmd} ${args.join(' ')}" failed (${r.error ? r.error.message : `exit code ${r.status}`}); run it yourself to see why.`);
  }
}

function onPath(tool) {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => d && fs.existsSync(path.join(d, tool)));
}

// What apt must provide, checked first so nothing is half-installed when it is missing.
const cache = process.env.CRM_CACHE ?? path.join(root, '.cache');
const codeServerReady = fs.existsSync(path.join(cache, 'code-server-4.100.3', '.installed'));
const apt = [];
if (what === 'demo' && !codeServerReady) {
  if (!onPath('rg')) apt.push('ripgrep');
  if (!fs.existsSync('/usr/include/krb5.h') && !fs.existsSync('/usr/include/krb5/krb5.h')) apt.push('libkrb5-dev');
}
if (what === 'bench' && !fs.existsSync(process.env.CHROMIUM ?? '/usr/bin/chromium')) apt.push('chromium');
if (apt.length > 0) {
  fail(`${apt.join(' and ')} ${apt.length === 1 ? 'is' : 'are'} missing and only apt installs ${apt.length === 1 ? 'it' : 'them'}: run "sudo apt-get install -y ${apt.join(' ')}" (or .ci/run, which installs everything), then "npm run ${what}" again.`);
}

// npm packages: installed when one the package.json names is missing (a fresh clone, or a
// pull that added one); a changed version of a present package is npm install's business.
/** Dependencies of the package in `dir` that its node_modules lacks. */
function missingPackages(dir) {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
  return names.filter((n) => !fs.existsSync(path.join(dir, 'node_modules', n, 'package.json')));
}

function installIfMissing(dir, label, args) {
  const missing = missingPackages(dir);
  if (missing.length === 0) {
    say(`${label} present.`);
    return;
  }
  const some = missing.length > 3 ? `${missing.slice(0, 3).join(', ')} and ${missing.length - 3} more` : missing.join(', ');
  say(`installing the ${label} (${some} missing; npm ${args.join(' ')}; a minute or two the first time)…`);
  run('npm', args);
}

installIfMissing(root, 'npm packages', ['ci']);
const example = path.join(root, 'examples', 'chat-server');
if (fs.existsSync(path.join(example, 'package-lock.json'))) {
  installIfMissing(example, "example chat server's packages", ['ci', '--prefix', 'examples/chat-server']);
}

if (what === 'demo') {
  if (codeServerReady) {
    say('code-server present in .cache.');
  } else {
    say('installing code-server into .cache (several minutes, once; its own progress follows)…');
    run('bash', [path.join(root, 'scripts', 'install-code-server.sh')]);
  }
}
say('done.');
