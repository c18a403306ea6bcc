/**
 * P2P figures for bench-results.json: runs `npm run demo:p2p --json` (real Chromium viewers over WebRTC in a
 * network namespace; needs root, chromium and ffmpeg) and records
 *   p2p.peerShare          bytes the viewers got from peers ÷ all bytes they got (players' own counters)
 *   p2p.creditedShare      bytes credited in the posted epochs ÷ bytes the viewers got from peers
 *   p2p.blendedCostCutPct  the broadcaster's cost cut against CDN-only delivery (docs/economics.md)
 *   p2p.maxStallMs         the longest playback stall of any viewer (segments are 2 s)
 * Exits 1 when the demo fails.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { recordResults } from "./results.ts";

const root = resolve(import.meta.dirname, "../..");
const child = spawn(process.execPath, ["scripts/demo-p2p.ts", "--json"], {
  cwd: root,
  stdio: ["ignore", "pipe", "inherit"],
});
let out = "";
child.stdout.on("data", (d) => (out += d));
const code: number = await new Promise((r) => child.on("close", (c) => r(c ?? 1)));
if (code !== 0) {
  process.stderr.write(`bench p2p: demo:p2p exited ${code}\n`);
  process.exit(1);
}
const s = JSON.parse(out);
const figures = {
  "p2p.peerShare": { value: Number(s.peerShare.toFixed(4)), unit: "ratio" },
  "p2p.creditedShare": { value: Number(s.creditedShare.toFixed(4)), unit: "ratio" },
  "p2p.blendedCostCutPct": { value: Number(s.cost.blendedCostCutPct.toFixed(1)), unit: "%" },
  "p2p.maxStallMs": { value: Math.round(s.maxStallMs), unit: "ms" },
};
recordResults(figures);
process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
