// The auditor's paths through the real `meshpay` process: a payout proven against the on-chain root (meshpay's code,
// @openzeppelin/merkle-tree and the contract's own hashing), whole epochs re-verified from public data, and what
// happens with a dishonest epoch, a tampered copy of a bundle and an epoch that was never posted.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { privateKeyToAccount } from "viem/accounts";
import type { Hex } from "../../src/protocol/types.ts";
import { type CliChain, createPoolWithCli, DEV_KEYS, deployWithCli } from "./helpers/deployWithCli.ts";
import { createEpochPoster, type EpochPoster, type PostedEpoch } from "./helpers/epochPoster.ts";
import { withReceiptSizeChanged } from "./helpers/withReceiptSizeChanged.ts";

const BROADCASTER = DEV_KEYS[1];
const relay1 = privateKeyToAccount(DEV_KEYS[3]).address;
const relay2 = privateKeyToAccount(DEV_KEYS[4]).address;
const MB = 1_000_000;

describe("meshpay for auditors", () => {
  let chain: CliChain;
  let poster: EpochPoster;
  let pool: Hex;
  const epochs: PostedEpoch[] = [];

  before(async () => {
    chain = await deployWithCli("audit");
    pool = await createPoolWithCli(chain, BROADCASTER, "1000");
    for (const args of [
      ["dev", "mint", "1000"],
      ["pool", "fund", pool, "1000"],
    ]) {
      const r = await chain.run(args, { key: BROADCASTER });
      assert.equal(r.code, 0, r.stderr);
    }
    poster = await createEpochPoster({
      rpcUrl: chain.node.url,
      distributor: chain.deployment.distributor,
      aggregatorKey: DEV_KEYS[5],
    });
    epochs.push(
      await poster.post(0n, [
        { relay: relay1, poolId: pool, ticketSignerKey: BROADCASTER, chunks: 30, chunkSize: MB },
        { relay: relay2, poolId: pool, ticketSignerKey: BROADCASTER, chunks: 12, chunkSize: MB },
      ]),
    );
    await poster.finalize();
    epochs.push(
      await poster.post(1n, [{ relay: relay2, poolId: pool, ticketSignerKey: BROADCASTER, chunks: 8, chunkSize: MB }]),
    );
  });
  after(async () => {
    await poster?.close();
    await chain?.close();
  });

  it("proves a payout against the on-chain root with meshpay's code, OpenZeppelin's StandardMerkleTree and the contract's hasher", async () => {
    const r = await chain.run(["--json", "audit", "proof", pool, relay1]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = r.json();
    assert.equal(out.ok, true);
    assert.equal(out.epoch, "0"); // the latest claimable epoch
    assert.equal(out.status, "claimable");
    assert.equal(out.root, epochs[0]!.root);
    assert.equal(out.cumulativeAmount.amount, "30");
    assert.deepEqual(
      out.checks.map((c: { check: string; ok: boolean }) => [c.check, c.ok]),
      [
        ["bundle hash", true],
        ["bundle header", true],
        ["meshpay proof", true],
        ["OpenZeppelin verify", true],
        ["OpenZeppelin rebuild", true],
        ["contract leaf hash", true],
      ],
    );
  });

  it("checks a pending epoch with --epoch and says so in plain text", async () => {
    const r = await chain.run(["audit", "proof", pool, relay2, "--epoch", "1"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /epoch 1 \(pending\)/);
    assert.match(r.stdout, /earned up to epoch: 20 TUSD/);
    assert.match(r.stdout, /ok\s+OpenZeppelin verify: StandardMerkleTree.verify\(root, leaf, proof\) is true/);
    assert.match(r.stdout, /The payout is proven by the on-chain root\./);
  });

  it("re-verifies every receipt of an epoch and recomputes its root from public data only", async () => {
    const r = await chain.run(["--json", "audit", "epoch", "1"], { env: { MESHPAY_PROGRESS: "never" } });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = r.json();
    assert.equal(out.ok, true, JSON.stringify(out.findings));
    assert.equal(out.recomputedRoot, epochs[1]!.root);
    assert.deepEqual(out.counts, {
      pools: 1,
      tickets: 1,
      receipts: 8,
      validReceipts: 8,
      invalidReceipts: 0,
      leaves: 2,
    });
    const human = await chain.run(["audit", "epoch", "0"], { env: { MESHPAY_PROGRESS: "always" } });
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /receipts:\s+42 valid, 0 invalid/);
    assert.match(human.stdout, /ok: every receipt verifies and the recomputed root equals the posted root\./);
    assert.match(human.stderr, /Verifying receipts \[[█░]+\] 100% \| 42\/42 receipts/);
  });

  it("finds a dishonest epoch (an inflated leaf) and exits 6, although the inflated leaf's own proof checks out", async () => {
    epochs.push(
      await poster.post(2n, [{ relay: relay1, poolId: pool, ticketSignerKey: BROADCASTER, chunks: 5, chunkSize: MB }], {
        inflate: { relay: relay1, poolId: pool, by: 3_000_000n },
      }),
    );
    const r = await chain.run(["--json", "audit", "epoch", "2"]);
    assert.equal(r.code, 6, r.stdout + r.stderr);
    const out = r.json();
    assert.equal(out.ok, false);
    // The verifier's finding codes (docs/bundle.md): the leaf's amount and the pool's posted total; the cumulative
    // amount is consistent with the inflated epochAmount, and a root mismatch is reported only when nothing explains
    // it.
    assert.deepEqual(Object.keys(out.findingCounts).sort(), ["POOL_TOTAL_MISMATCH", "RELAY_TOTAL_MISMATCH"]);
    const relay = out.findings.find((f: { code: string }) => f.code === "RELAY_TOTAL_MISMATCH").message;
    assert.match(relay, /epochAmount is not floor\(bytes x price \/ 1e9\)/);
    assert.match(relay, /bundle: \{[^}]*"epochAmount":"8000000"/);
    assert.match(relay, /recomputed: \{[^}]*"epochAmount":"5000000"/);

    const proof = await chain.run(["--json", "audit", "proof", pool, relay1, "--epoch", "2"]);
    assert.equal(proof.code, 0, proof.stdout);
    assert.equal(proof.json().cumulativeAmount.amount, "38");
  });

  it("rejects a tampered copy of a bundle: hash mismatch and the altered receipt (exit 6)", async () => {
    const file = join(chain.dir, "tampered.bundle");
    writeFileSync(file, withReceiptSizeChanged(epochs[0]!.bytes));
    const r = await chain.run(["--json", "audit", "epoch", "0", "--bundle", file]);
    assert.equal(r.code, 6, r.stdout + r.stderr);
    const codes = Object.keys(r.json().findingCounts);
    // A wrong receiptId is a RECEIPT_INVALID finding (its item's errors say RECEIPT_ID_MISMATCH).
    for (const code of ["BUNDLE_HASH_MISMATCH", "RECEIPT_INVALID"])
      assert.ok(codes.includes(code), `${code} in ${codes}`);

    const proof = await chain.run(["audit", "proof", pool, relay1, "--bundle", file]);
    assert.equal(proof.code, 6, proof.stdout + proof.stderr);
    assert.match(proof.stdout, /FAIL {2}bundle hash: the bundle hashes to 0x[0-9a-f]{64}, not the posted/);
    assert.match(proof.stdout, /The proof does NOT check out\./);
  });

  it("says what is missing: an account without a leaf, an epoch never posted", async () => {
    const noLeaf = await chain.run(["audit", "proof", pool, privateKeyToAccount(DEV_KEYS[6]).address]);
    assert.equal(noLeaf.code, 1);
    assert.match(noLeaf.stderr, /has no leaf for 0x976EA74026E726554dB657fA54763abd0C3a0aa9 in pool/);
    const never = await chain.run(["--json", "audit", "epoch", "9"]);
    assert.equal(never.code, 1);
    assert.equal(never.json().error.code, "NOT_FOUND");
    assert.match(never.json().error.message, /Epoch 9 has not been posted \(the latest posted is 2\)/);
  });
});
