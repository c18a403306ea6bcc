// `meshpay audit epoch N` and `audit proof --epoch N` for every posted epoch, on a Hardhat node and on Anvil: the
// contract keeps the roots of recent epochs only (epochInfo answers posted with a zero root for older claimable
// ones), so the audit reads older roots from EpochPosted events. A tampered copy of an old epoch still fails.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createPublicClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { rewardDistributorAbi } from "../../src/contracts/abis.ts";
import type { Hex } from "../../src/protocol/types.ts";
import { type CliChain, createPoolWithCli, DEV_KEYS, deployWithCli } from "./helpers/deployWithCli.ts";
import { createEpochPoster, type EpochPoster, type PostedEpoch } from "./helpers/epochPoster.ts";
import { startAnvilNode } from "./helpers/startAnvilNode.ts";
import { type HardhatNode, startHardhatNode } from "./helpers/startHardhatNode.ts";
import { withReceiptSizeChanged } from "./helpers/withReceiptSizeChanged.ts";

const BROADCASTER = DEV_KEYS[1];
const relay1 = privateKeyToAccount(DEV_KEYS[3]).address;
const relay2 = privateKeyToAccount(DEV_KEYS[4]).address;
const MB = 1_000_000;
const EPOCHS = 6;

// On Anvil the epochs are posted with bundles of the legacy format 1 (docs/bundle.md), which auditors still read.
const nodes: [string, () => Promise<HardhatNode>, 1 | 2][] = [
  ["a Hardhat node", startHardhatNode, 2],
  ["Anvil", startAnvilNode, 1],
];

for (const [name, startNode, bundleFormat] of nodes) {
  describe(`auditing every posted epoch on ${name}`, () => {
    let chain: CliChain;
    let poster: EpochPoster;
    let pool: Hex;
    const epochs: PostedEpoch[] = [];

    before(async () => {
      chain = await deployWithCli("audit-all", [], startNode);
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
        bundleFormat,
      });
      for (let e = 0; e < EPOCHS; e++) {
        epochs.push(
          await poster.post(BigInt(e), [
            {
              relay: e % 2 ? relay2 : relay1,
              poolId: pool,
              ticketSignerKey: BROADCASTER,
              chunks: 3 + e,
              chunkSize: MB,
            },
          ]),
        );
        await poster.finalize();
      }
    });
    after(async () => {
      await poster?.close();
      await chain?.close();
    });

    it("the chain no longer stores the root of the oldest epochs, only their EpochPosted events", async () => {
      const client = createPublicClient({ transport: http(chain.node.url) });
      const info = await client.readContract({
        address: chain.deployment.distributor,
        abi: rewardDistributorAbi,
        functionName: "epochInfo",
        args: [0n],
      });
      assert.equal(info.posted, true);
      assert.equal(BigInt(info.root), 0n);
      const r = await chain.run(["--json", "audit", "epoch", "0"]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(r.json().root, epochs[0]!.root);
    });

    for (let e = 0; e < EPOCHS; e++)
      it(`audit epoch ${e} recomputes its root and audit proof --epoch ${e} proves a payout`, async () => {
        const audit = await chain.run(["--json", "audit", "epoch", String(e)]);
        assert.equal(audit.code, 0, audit.stdout + audit.stderr);
        const out = audit.json();
        assert.equal(out.ok, true, JSON.stringify(out.findings));
        assert.equal(out.recomputedRoot, epochs[e]!.root);
        assert.equal(out.status, "claimable");
        assert.equal(out.counts.validReceipts, 3 + e);
        const proof = await chain.run(["--json", "audit", "proof", pool, relay1, "--epoch", String(e)]);
        assert.equal(proof.code, 0, proof.stdout + proof.stderr);
        assert.equal(proof.json().ok, true);
        assert.equal(proof.json().root, epochs[e]!.root);
      });

    it("a tampered copy of an old epoch's bundle still fails with the shared finding codes (exit 6)", async () => {
      const file = join(chain.dir, `tampered-${name.length}.bundle`);
      writeFileSync(file, withReceiptSizeChanged(epochs[1]!.bytes));
      const r = await chain.run(["--json", "audit", "epoch", "1", "--bundle", file]);
      assert.equal(r.code, 6, r.stdout + r.stderr);
      const codes = Object.keys(r.json().findingCounts);
      for (const code of ["BUNDLE_HASH_MISMATCH", "RECEIPT_INVALID"])
        assert.ok(codes.includes(code), `${code} in ${codes}`);
    });
  });
}
