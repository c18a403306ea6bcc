#!/usr/bin/env bash
# The project's whole test suite: format and lint (Biome), types, Solidity fuzz/invariant tests and the gas snapshot, then every TypeScript test.
set -euo pipefail
cd "$(dirname "$0")/.."
npx biome ci .
npx tsc --noEmit -p .
npx hardhat test solidity --snapshot-check
npx hardhat test nodejs
