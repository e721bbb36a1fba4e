#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3, the newest whose engines allow
# Node 20) from the npm registry into a cache folder that later runs reuse.
# Its postinstall would download ripgrep and prebuilt addons from outside the
# registry, which this machine cannot reach, so we do its steps by hand:
# install without scripts, build the native addons here, use Debian's rg.
# Usage: scripts/install-code-server.sh            (prints the code-server path)
# Env:   CRM_CACHE (default: <repo>/.cache), CS_VERSION (default 4.100.3)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${CRM_CACHE:-$ROOT/.cache}"
CS_VERSION="${CS_VERSION:-4.100.3}"
CS_DIR="$CACHE/code-server-$CS_VERSION"
CS="$CS_DIR/node_modules/.bin/code-server"
# npm here has yes=false: node-pty's postinstall runs `npx node-gyp`, which would
# refuse to fetch node-gyp without a TTY.
export npm_config_yes=true npm_config_audit=false npm_config_fund=false

if [ -f "$CS_DIR/.installed" ] && [ -x "$CS" ]; then
  echo "$CS"
  exit 0
fi
for tool in rg; do
  command -v "$tool" >/dev/null || { echo "install-code-server: '$tool' is missing; run: apt-get install -y ripgrep libkrb5-dev" >&2; exit 1; }
done
[ -f /usr/include/krb5.h ] || [ -f /usr/include/krb5/krb5.h ] || { echo "install-code-server: Kerberos headers are missing; run: apt-get install -y libkrb5-dev" >&2; exit 1; }

echo "install-code-server: installing code-server@$CS_VERSION into $CS_DIR (several minutes, once)" >&2
rm -rf "$CS_DIR"
mkdir -p "$CS_DIR"
cd "$CS_DIR"
echo '{ "name": "code-server-host", "private": true }' > package.json
{
  npm install --ignore-scripts "code-server@$CS_VERSION"
  # argon2's prebuilt download fails here; node-pre-gyp falls back to building it.
  npm rebuild argon2
  VS="$CS_DIR/node_modules/code-server/lib/vscode"
  (cd "$VS" && npm install --omit=dev --ignore-scripts)
  # @vscode/ripgrep's postinstall downloads rg unless bin/ exists: use Debian's.
  mkdir -p "$VS/node_modules/@vscode/ripgrep/bin"
  ln -sf "$(command -v rg)" "$VS/node_modules/@vscode/ripgrep/bin/rg"
  (cd "$VS" && npm rebuild)
  ln -sfn node_modules "$VS/node_modules.asar"
  ln -sf code-linux.sh "$VS/bin/remote-cli/code-server"
  ln -sf browser-linux.sh "$VS/bin/helpers/browser.sh"
  (cd "$VS/extensions" && npm install --omit=dev)
} >&2
touch "$CS_DIR/.installed"
echo "$CS"
