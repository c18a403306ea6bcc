/**
 * `npm run demo:p2p`: real peer-to-peer delivery with the meshpay player plugin, end to end.
 *
 * In a network namespace of its own (root; scripts/p2p/netns.ts): a Hardhat chain with the Ignition deployment, a
 * pool created and funded with the meshpay CLI, the aggregator and the verifier, an ffmpeg test pattern served as
 * a live HLS stream by a small origin, a WebTorrent tracker, and 8 headless Chromium viewers (hls.js +
 * p2p-media-loader + src/player) joining at different times, one leaving mid-way, for at least two epochs. Every
 * relay then claims with the CLI, and the summary shows HTTP and peer bytes per viewer, each relay's credited
 * bytes and reward, and the broadcaster's blended cost per GB against CDN-only delivery.
 *
 * Exits 0 only if every check holds. Options: --json (print the figures as JSON), --keep (keep the work dir).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSessionInNetns } from "./p2p/runSessionInNetns.ts";
import { P2P_ASSUMPTIONS, summarizeP2pSession } from "./p2p/summarizeP2pSession.ts";

const args = process.argv.slice(2);
const EPOCH_SECONDS = 20;
const PRICE_PER_GB = "0.005"; // TUSD ($1) per GB paid to relays: a tenth of the CDN's price
const workDir = mkdtempSync(join(tmpdir(), "meshpay-demo-p2p-"));
const started = Date.now();
const failures: string[] = [];
const check = (ok: boolean, text: string) => {
  process.stderr.write(`  ${ok ? "✔" : "✖"} ${text}\n`);
  if (!ok) failures.push(text);
};

let summary: ReturnType<typeof summarizeP2pSession> | undefined;
let result: any;
try {
  result = await runSessionInNetns(
    {
      workDir,
      viewers: [
        { role: "honest", joinAfterMs: 0, liveSyncDurationCount: 3 },
        { role: "honest", joinAfterMs: 2_000, liveSyncDurationCount: 5 },
        { role: "honest", joinAfterMs: 4_000, liveSyncDurationCount: 6 },
        { role: "honest", joinAfterMs: 6_000, leaveAfterMs: 30_000, liveSyncDurationCount: 6 },
        { role: "honest", joinAfterMs: 8_000, liveSyncDurationCount: 7 },
        { role: "honest", joinAfterMs: 10_000, liveSyncDurationCount: 6 },
        { role: "honest", joinAfterMs: 12_000, liveSyncDurationCount: 7 },
        { role: "honest", joinAfterMs: 14_000, liveSyncDurationCount: 5 },
      ],
      playMs: 2 * EPOCH_SECONDS * 1000 + 6_000,
      epochSeconds: EPOCH_SECONDS,
      graceSeconds: 5,
      challengeWindowSeconds: 8,
      pricePerGB: PRICE_PER_GB,
      contentBinding: true,
      claim: true,
      verifier: true,
    },
    (line) => process.stderr.write(`${line}\n`),
  );
  summary = summarizeP2pSession(result);
  process.stderr.write("\nchecks\n");
  check(
    result.epochs.last - result.epochs.first >= 2,
    `traffic spanned epochs ${result.epochs.first}–${result.epochs.last}`,
  );
  check(summary.viewers.length >= 6, `${summary.viewers.length} viewers, one leaving mid-way`);
  check(summary.totals.peerBytes > 0, "bytes travelled peer to peer");
  for (const v of summary.viewers) {
    check(v.acceptedBytes === v.signedBytes, `${v.payout}: every receipt it signed was accepted`);
    check(v.creditedBytes === 0 || Math.abs(v.claimed - v.earned) < 1e-9, `${v.payout}: claimed what it earned`);
  }
  check(
    summary.creditedShare >= 0.99 && summary.creditedShare <= 1,
    `credited share ${summary.creditedShare.toFixed(4)}`,
  );
  check(result.verifier?.ok !== false, "the verifier audited every root and is healthy");
} catch (error) {
  failures.push(error instanceof Error ? error.message : String(error));
}

if (summary && result) {
  if (args.includes("--json")) process.stdout.write(`${JSON.stringify({ ...summary, result }, null, 2)}\n`);
  else printSummary(summary);
}
const seconds = ((Date.now() - started) / 1000).toFixed(0);
if (!args.includes("--keep")) rmSync(workDir, { recursive: true, force: true });
if (failures.length > 0) {
  process.stderr.write(`\ndemo:p2p FAILED after ${seconds}s: ${failures.join("; ")}\n`);
  process.exit(1);
}
process.stderr.write(`\ndemo:p2p finished in ${seconds}s: every step did what it should\n`);
process.exit(0);

function printSummary(s: NonNullable<typeof summary>) {
  const mb = (n: number) => (n / 1e6).toFixed(2).padStart(8);
  const out = ["", `meshpay P2P demo — ${s.viewers.length} Chromium viewers, relays paid ${PRICE_PER_GB} TUSD/GB`, ""];
  out.push("viewer / relay account                        joined  left   HTTP MB  peer MB  credited MB  reward TUSD");
  for (const v of s.viewers)
    out.push(
      `${v.payout}  ${String(v.joinAfterMs / 1000).padStart(4)}s ` +
        `${v.leaveAfterMs ? `${v.leaveAfterMs / 1000}s`.padStart(5) : "  end"}  ${mb(v.httpBytes)} ` +
        `${mb(v.peerBytes)}     ${mb(v.creditedBytes)}   ${v.earned.toFixed(6).padStart(10)}`,
    );
  const c = s.cost;
  out.push("");
  out.push(
    `peer share ${(s.peerShare * 100).toFixed(1)}% of ${(s.totals.delivered / 1e6).toFixed(1)} MB; credited ` +
      `${(s.creditedShare * 100).toFixed(2)}% of peer bytes; origin served ` +
      `${(s.totals.originBytes / 1e6).toFixed(1)} MB`,
  );
  out.push(
    `cost: origin $${c.cdnUsd.toFixed(6)} (at $${P2P_ASSUMPTIONS.cdnUsdPerGB}/GB) + relays $${c.relayUsd.toFixed(6)} ` +
      `+ settlement $${c.settlementUsdPerGB.toFixed(6)}/GB (production cadence; this compressed run spent ` +
      `$${c.runSettlementUsd.toFixed(6)})`,
  );
  out.push(
    `blended $${c.blendedUsdPerGB.toFixed(4)}/GB vs CDN-only $${c.cdnOnlyUsdPerGB.toFixed(2)}/GB: ` +
      `${c.blendedCostCutPct.toFixed(1)}% cheaper; longest stall ${s.maxStallMs.toFixed(0)} ms (segment ` +
      `${s.segmentMs} ms)`,
  );
  out.push("");
  process.stdout.write(`${out.join("\n")}\n`);
}
