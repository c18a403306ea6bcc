#!/usr/bin/env bash
# Every benchmark of the project, each printing its figure and its ratio against a baseline measured in the
# same run; all figures are merged into bench-results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== gas (contract hot paths on real 2^10 and 2^20 reward trees; fraud proofs at depth 20 / 2^16 receipts)"
npx hardhat run scripts/bench/gas.ts
echo "== protocol (signature checking, tree building)"
node scripts/bench/protocol.ts
echo "== aggregator (HTTP ingest, epoch close of 1,000,000 receipts)"
node scripts/bench/aggregator.ts
echo "== system (the demo: swarm to claimable root, settlement overhead)"
node scripts/demo.ts
echo "== p2p (the P2P demo: real Chromium viewers over WebRTC in a network namespace; needs root)"
node scripts/bench/p2p.ts
echo "== explorer (a 100,000-leaf epoch: address lookup and proof check in headless Chromium)"
node scripts/bench/explorer.ts
echo "== docs/benchmarks.md"
node scripts/bench/report.ts
npx biome format --write docs/gas.md docs/benchmarks.md >/dev/null
