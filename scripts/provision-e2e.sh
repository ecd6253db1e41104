#!/usr/bin/env bash
# Installs what the e2e tier needs, idempotently and fast when all is present: Debian's chromium,
# ripgrep and the Kerberos headers, and code-server (real VS Code: server + web workbench) under
# .cache/code-server, by the recipe in docs/e2e-provisioning.md (why each step, and which install
# scripts run). Fails loudly, naming what is missing.
set -euo pipefail

VERSION=4.100.3
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PREFIX="$ROOT/.cache/code-server"
CS="$PREFIX/node_modules/code-server"
MARKER="$PREFIX/.provisioned-$VERSION"

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "provision-e2e: missing ${missing[*]}: install them (apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "provision-e2e: installing ${missing[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Other jobs on the machine may hold the dpkg lock for a while: wait for it.
  apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
    || { apt-get -o DPkg::Lock::Timeout=300 update -q >/dev/null \
         && apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
fi
[ -x /usr/bin/chromium ] || { echo "provision-e2e: /usr/bin/chromium is missing" >&2; exit 1; }

if [ -f "$MARKER" ] && [ -f "$CS/out/node/entry.js" ]; then
  exit 0
fi

echo "provision-e2e: installing code-server $VERSION into $PREFIX (a few minutes, once)" >&2
export npm_config_yes=true npm_config_audit=false npm_config_fund=false
mkdir -p "$PREFIX"
# Install scripts are decided one by one (docs/e2e-provisioning.md says why) so that npm warns about
# none: allowScripts covers only the prefix's dependencies, so code-server is one. Its own postinstall
# (which installs lib/vscode) is skipped: the steps below do that.
cat > "$PREFIX/package.json" <<JSON
{"name":"mesolite-e2e-code-server","private":true,"dependencies":{"code-server":"$VERSION"},"allowScripts":{"argon2":true,"code-server":false}}
JSON
npm install --prefix "$PREFIX" --ignore-scripts >&2
(
  cd "$CS/lib/vscode"
  # Native modules VS Code's server loads are built; @vscode/ripgrep's postinstall would download rg
  # (Debian's is copied below); the windows-* modules are for Windows only.
  npm pkg set --json allowScripts='{"@parcel/watcher":true,"@vscode/deviceid":true,"@vscode/spdlog":true,"kerberos":true,"native-watchdog":true,"node-pty":true,"@vscode/ripgrep":false,"@vscode/windows-process-tree":false,"@vscode/windows-registry":false}'
  npm install --omit=dev --ignore-scripts >&2
  mkdir -p node_modules/@vscode/ripgrep/bin
  cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  npm rebuild >&2
  [ -e node_modules.asar ] || ln -s node_modules node_modules.asar
)
# argon2 is hoisted to the top of the prefix: rebuild it there.
(cd "$PREFIX" && npm rebuild argon2 >&2)
[ -f "$CS/out/node/entry.js" ] || { echo "provision-e2e: $CS/out/node/entry.js is missing after install" >&2; exit 1; }
touch "$MARKER"
echo "provision-e2e: code-server $VERSION ready" >&2
