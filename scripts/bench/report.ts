/**
 * Writes docs/benchmarks.md from bench-results.json: every figure of the last `npm run bench`, the target the
 * issues set for it (../shared/targets.json when present), and the machine it ran on.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const results: Record<string, { value: number; unit: string }> = JSON.parse(
  readFileSync(resolve(root, "bench-results.json"), "utf8"),
);
const targetsFile = resolve(root, "../shared/targets.json");
const targets: Record<string, { min?: number; max?: number; issue?: number }> = existsSync(targetsFile)
  ? JSON.parse(readFileSync(targetsFile, "utf8"))
  : {};
const rows = Object.entries(results).map(([key, { value, unit }]) => {
  const t = targets[key];
  const target = t?.min !== undefined ? `>= ${t.min}` : t?.max !== undefined ? `<= ${t.max}` : "";
  const met = t?.min !== undefined ? value >= t.min : t?.max !== undefined ? value <= t.max : undefined;
  return (
    `| \`${key}\` | ${value.toLocaleString("en-US", { maximumFractionDigits: 3 })} | ${unit} | ${target} | ` +
    `${met === undefined ? "" : met ? "met" : "**missed**"} |`
  );
});
const cpu = cpus()[0]?.model ?? "unknown CPU";
const md = `# Benchmarks

The latest results of \`npm run bench\` (scripts/bench.sh), copied from \`bench-results.json\` on
${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC. Each benchmark prints its figure and its ratio against a
baseline measured in the same run; ratios are what the targets are about, because absolute speeds depend on the
machine.

Machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, Linux.

| figure | value | unit | target | |
| --- | --- | --- | --- | --- |
${rows.join("\n")}

Where each comes from:

- \`gas.*\`: scripts/bench/gas.ts, on real reward trees of 2^10 and 2^20 leaves (table in [gas.md](gas.md)).
- \`verify.*\`, \`tree.*\`: scripts/bench/protocol.ts (receipt signature checking against @noble/curves recovery;
  the tree builder against @openzeppelin/merkle-tree's StandardMerkleTree.of; a 1,000,000-leaf tree in a child
  process for its peak memory).
- \`ingest.*\`, \`epochClose.*\`: scripts/bench/aggregator.ts (HTTP ingest on one core against the raw signature-check
  rate and against a @noble/curves ingest path; closing an epoch of 1,000,000 receipts from 100,000 relays).
- \`system.*\`: the demo (scripts/demo.ts): accepted receipts per second from the simulated swarm to a claimable root,
  and settlement overhead (gas plus relayer fees as a share of payouts at the demo's defaults, projected to 1-hour
  epochs and one relayed claim per relay per day, at 0.01 gwei, ETH $3,000, TUSD $1; the demo prints the raw,
  time-compressed figure too).
`;
writeFileSync(resolve(root, "docs/benchmarks.md"), md);
console.log(md);
