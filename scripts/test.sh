#!/usr/bin/env bash
# The project's whole test suite: Solidity fuzz/invariant tests, then the TypeScript tests.
set -euo pipefail
cd "$(dirname "$0")/.."
npx hardhat test solidity
npx hardhat test nodejs
