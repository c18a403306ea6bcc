#!/usr/bin/env bash
# Every benchmark of the project, each printing its figure and its ratio against a baseline measured in the
# same run; all figures are merged into bench-results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== gas (contract hot paths on real 2^10 and 2^20 reward trees)"
npx hardhat run scripts/bench/gas.ts
echo "== protocol (signature checking, tree building)"
node scripts/bench/protocol.ts
for extra in scripts/bench/aggregator.ts scripts/bench/system.ts; do
  if [ -f "$extra" ]; then echo "== $(basename "$extra" .ts)"; node "$extra"; fi
done
echo "== bench-results.json"
cat bench-results.json
