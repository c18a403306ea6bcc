#!/usr/bin/env bash
# The project's whole test suite: format and lint (Biome), types, Solidity fuzz/invariant tests and the gas snapshot, then every TypeScript test.
set -euo pipefail
cd "$(dirname "$0")/.."
npx biome ci .
npx tsc --noEmit -p .
# A drift of at most 0.1% is allowed: a few scenario tests move by tens of gas between otherwise identical runs, and
# the fuzz tests' median gas (~) moves by up to 0.06% between a fresh clone and a used checkout (their inputs differ).
npx hardhat test solidity --snapshot-check --tolerance 0.1
npx hardhat test nodejs
