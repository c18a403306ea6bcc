import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runSessionInNetns } from "../../scripts/p2p/runSessionInNetns.ts";

const CHROMIUM = "/usr/bin/chromium";
const missing = [
  existsSync(CHROMIUM) ? undefined : `${CHROMIUM} (apt-get install -y chromium)`,
  hasCommand("ffmpeg") ? undefined : "ffmpeg (apt-get install -y ffmpeg)",
  process.getuid?.() === 0 ? undefined : "root (to create a network namespace)",
].filter((m) => m !== undefined);

function hasCommand(name: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("peer-to-peer delivery through real WebRTC", () => {
  it("credits peer-delivered bytes to the peers who sent them, lets them claim, and pays a liar and a corrupter " +
    "nothing", {
    timeout: 300_000,
  }, async (t) => {
    if (missing.length > 0) {
      t.skip(`needs ${missing.join(", ")}`);
      return;
    }
    const workDir = mkdtempSync(join(tmpdir(), "meshpay-p2p-"));
    try {
      const r = await runSessionInNetns(
        {
          workDir,
          viewers: [
            { role: "honest", joinAfterMs: 0, liveSyncDurationCount: 3 },
            { role: "corrupt", joinAfterMs: 1_000, liveSyncDurationCount: 4 },
            { role: "liar", joinAfterMs: 2_000, liveSyncDurationCount: 4 },
            { role: "honest", joinAfterMs: 3_000, liveSyncDurationCount: 6 },
            { role: "honest", joinAfterMs: 6_000, liveSyncDurationCount: 6 },
            { role: "honest", joinAfterMs: 9_000, liveSyncDurationCount: 7 },
          ],
          playMs: 30_000,
          epochSeconds: 12,
          graceSeconds: 5,
          challengeWindowSeconds: 6,
          pricePerGB: "10",
          contentBinding: true,
          claim: true,
        },
        (line) => t.diagnostic(line),
      );
      const byPeer = new Map(r.viewers.map((v: any) => [v.peerId, v]));
      const honest = r.viewers.filter((v: any) => v.role === "honest");
      const liar = r.viewers.find((v: any) => v.role === "liar");
      const corrupt = r.viewers.find((v: any) => v.role === "corrupt");
      assert.ok(honest.length >= 4);

      let p2p = 0;
      let http = 0;
      const signedFor = new Map<string, number>();
      for (const v of r.viewers) {
        const s = v.stats.receipts;
        p2p += s.p2pSegmentBytes;
        http += s.httpBytes;
        // Every peer-delivered byte is either signed for or left unpaid, and only misbehaving peers go unpaid.
        assert.equal(s.signedBytes + s.unpaidBytes, s.p2pSegmentBytes, `${v.peerId}: signed + unpaid = received`);
        // An honest peer goes unpaid only for a partial segment (a transfer aborted when it left or timed out, and
        // fetched again elsewhere): never more than the bytes unpaid for being partial.
        let unpaidHonest = 0;
        for (const [peerId, bytes] of Object.entries(s.unpaidByPeer as Record<string, number>))
          if (!["liar", "corrupt"].includes((byPeer.get(peerId) as any)?.role)) unpaidHonest += bytes;
        assert.ok(unpaidHonest <= (s.unpaidByReason.partial ?? 0), `${v.peerId}: honest peers went unpaid`);
        for (const peerId of Object.keys(s.corruptByPeer))
          assert.equal((byPeer.get(peerId) as any)?.role, "corrupt", `${peerId} sent bytes off the manifest`);
        for (const [relay, bytes] of Object.entries(s.signedBytesByRelay as Record<string, number>))
          signedFor.set(relay, (signedFor.get(relay) ?? 0) + bytes);
        // Every signed receipt reached the aggregator and was accepted, exactly once.
        assert.equal(v.stats.outbox.pending, 0);
        assert.equal(v.stats.outbox.openBatches, 0);
        assert.equal(v.stats.outbox.rejected.receipts, 0, JSON.stringify(v.stats.outbox.rejected));
        assert.equal(v.stats.outbox.accepted.bytes, s.signedBytes);
      }
      t.diagnostic(`peer share ${(p2p / (p2p + http)).toFixed(3)} (${p2p} of ${p2p + http} bytes)`);
      assert.ok(p2p > 0, "some bytes travelled peer to peer");
      assert.ok(r.manifestsPosted.ok > 0 && r.manifestsPosted.failed === 0);

      // The aggregator credited each relay exactly what the viewers signed for it, and the relays claimed it.
      for (const v of r.viewers) {
        assert.equal(v.credited.bytes, signedFor.get(v.payout) ?? 0, `${v.role} ${v.payout} credited bytes`);
        if (v.credited.bytes > 0) {
          assert.ok(v.claim, `${v.payout} claimed`);
          assert.equal(v.claim.paid, v.credited.earnedUnits);
        }
      }
      assert.ok(honest.some((v: any) => v.credited.bytes > 0));
      assert.equal(liar.credited.bytes, 0);
      assert.equal(corrupt.credited.bytes, 0);
      // When the misbehaving peers did deliver, they were caught: the liar's card refused, the corrupt bytes
      // refused against the manifest (and refetched).
      const liarBytes = r.viewers.reduce(
        (n: number, v: any) => n + (v.stats.receipts.unpaidByPeer[liar.peerId] ?? 0),
        0,
      );
      const refusedLiar = r.viewers.filter((v: any) => liar.peerId in v.stats.refusedCards).length;
      const corruptCaught = r.viewers.reduce(
        (n: number, v: any) => n + (v.stats.receipts.corruptByPeer[corrupt.peerId] ?? 0),
        0,
      );
      t.diagnostic(`liar delivered ${liarBytes} unpaid bytes, its card refused by ${refusedLiar} viewers`);
      t.diagnostic(`corrupt segments refused against the manifest: ${corruptCaught}`);
      if (liarBytes > 0) assert.ok(refusedLiar > 0);
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});
