import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { rewardDistributorAbi as distributorAbi } from "../../src/contracts/abis.ts";
import { createEpochDriver } from "./helpers/epochDriver.ts";
import { startTestVerifier } from "./helpers/startTestVerifier.ts";
import { CHAIN_CONFIG, setupVerifierChain } from "./helpers/verifierChain.ts";

// "Honest epochs are never challenged": a history that uses every rule an honest aggregator must get right —
// pro-rata scaling, a ticket signer rotated mid-epoch, a price change, a ticket spanning epochs up to its maxBytes,
// accounts carried through epochs they earn nothing in, an epoch without receipts — passes every audit and becomes
// claimable. Then the same rules catch a bundle that breaks two of them.
describe("an honest history", () => {
  it("is audited clean epoch after epoch, never challenged, and becomes claimable; breaking maxBytes across epochs or the rotated signer is caught, and an unanswered challenge expires: bond refunded, the epoch stands", async () => {
    const chain = await setupVerifierChain();
    const driver = await createEpochDriver(chain);
    const verifier = await startTestVerifier(chain);
    const read = <T>(functionName: string, args: unknown[] = []) =>
      chain.publicClient.readContract({
        address: chain.distributor.address,
        abi: distributorAbi,
        functionName,
        args,
      } as never) as Promise<T>;
    try {
      const [r0, r1, r2] = chain.relays.map((r) => r.address);
      // earns 4,000 in epoch 0: scaled to 2,500
      const small = await chain.addPool({ price: 1_000_000n, funds: 2_500n });
      const a = chain.makeViewer({ toEpoch: 5n, maxBytes: 5_000_000n });
      const b = chain.makeViewer({ poolId: small });
      const audited = async (e: number) => {
        await verifier.tick();
        const body = await (await fetch(`${verifier.url}/v1/epochs/${e}`)).json();
        assert.equal(body.audit?.status, "ok", `epoch ${e}: ${JSON.stringify(body.audit)}`);
        assert.equal(body.audit.challenge.status, "not_needed");
      };

      // Epoch 0: both pools; the small one cannot cover its relays and is scaled.
      const e0 = await driver.post(0n, {
        tickets: [a.ticket, b.ticket],
        receipts: [
          ...a.receipts({ relay: r0!, epoch: 0n, count: 3 }),
          ...b.receipts({ relay: r1!, epoch: 0n, count: 3 }),
          ...b.receipts({ relay: r2!, epoch: 0n, count: 1 }),
        ],
      });
      assert.ok(
        e0.bundle.pools.find((p) => p.poolId === small)!.rawTotal >
          e0.bundle.pools.find((p) => p.poolId === small)!.total,
        "the small pool is scaled",
      );
      await audited(0);

      // During epoch 1 the pool's ticket signer is rotated and its price changed (from epoch 2).
      const newSignerKey = generatePrivateKey();
      await chain.write(chain.wallets.broadcaster, chain.distributor.address, distributorAbi, "rotateTicketSigner", [
        chain.poolId,
        privateKeyToAccount(newSignerKey).address,
      ]);
      await chain.write(chain.wallets.broadcaster, chain.distributor.address, distributorAbi, "setPrice", [
        chain.poolId,
        3_000_000n,
      ]);
      const rotatedAt = (await chain.time.latest()) * 1000n;
      const c = chain.makeViewer({ signerKey: newSignerKey, fromEpoch: 1n });
      // Viewer a's old ticket still counts for what was delivered before the rotation, up to its maxBytes (5 MB).
      const early = a.receipts({ relay: r0!, epoch: 1n, count: 2 });
      assert.ok(early.every((r) => r.receipt.deliveredAt < rotatedAt));
      const late = c.receipts({ relay: r1!, epoch: 1n, count: 2, offsetMs: 40_000n });
      assert.ok(late.every((r) => r.receipt.deliveredAt > rotatedAt));
      await driver.post(1n, { tickets: [a.ticket, c.ticket], receipts: [...early, ...late] });
      await audited(1);

      // Epoch 2: the new price; the small pool's relays earn nothing and keep their leaves.
      const e2 = await driver.post(2n, {
        tickets: [c.ticket],
        receipts: c.receipts({ relay: r2!, epoch: 2n, count: 1, offsetMs: 5_000n }),
      });
      assert.equal(e2.bundle.pools.length, 1);
      assert.equal(e2.bundle.pools[0]!.pricePerGB, 3_000_000n);
      await audited(2);

      // Epoch 3: no receipts at all.
      const e3 = await driver.post(3n, { tickets: [], receipts: [] });
      assert.equal(e3.bundle.poolTotals.length, 0);
      assert.equal(e3.bundle.leaves.length, 5);
      await audited(3);

      await chain.time.increase(CHAIN_CONFIG.challengeWindow);
      assert.equal(await read<boolean>("isClaimable", [3n]), true);
      assert.equal((await read<{ challengeCount: bigint }>("systemState")).challengeCount, 0n);

      // Epoch 4, dishonest: viewer a's ticket is already at its maxBytes, and its old-signer ticket is used after the
      // rotation.
      await driver.post(4n, { tickets: [a.ticket], receipts: a.receipts({ relay: r0!, epoch: 4n, count: 1 }) });
      await verifier.tick();
      await verifier.tick();
      const e4 = await (await fetch(`${verifier.url}/v1/epochs/4`)).json();
      assert.equal(e4.audit.status, "faulty");
      assert.equal(e4.audit.fault, "RECEIPT_INVALID");
      assert.equal(e4.audit.challenge.status, "opened");
      const evidence = await (await fetch(e4.audit.evidenceURI)).json();
      const codes = evidence.findings[0].items[0].errors.map((e: { code: string }) => e.code).sort();
      assert.deepEqual(codes, ["RECEIPT_OVER_MAX_BYTES", "TICKET_BAD_SIGNER"]);

      // The arbiter never decides: after arbiterTimeout the verifier closes its own challenge as expired. The arbiter
      // failed, not the challenger: the bond comes back (no reward, nobody slashed) and the epoch stands; its window
      // is over, so the verifier does not challenge it again.
      await chain.time.increase(CHAIN_CONFIG.arbiterTimeout);
      await verifier.tick();
      await verifier.tick();
      const expired = await (await fetch(`${verifier.url}/v1/epochs/4`)).json();
      assert.equal(expired.post.rejectedByChallenge, null);
      assert.equal(expired.audit.challenge.challengeId, e4.audit.challenge.challengeId);
      assert.equal(expired.audit.challenge.onChain, "expired");
      assert.equal(expired.audit.challenge.status, "missed", "the window is over: the faulty epoch stands");
      assert.equal(await read<bigint>("creditOf", [verifier.account]), CHAIN_CONFIG.challengerBond);
      const after = await read<{ challengeCount: bigint; openChallenges: bigint; nextEpoch: bigint }>("systemState");
      assert.equal(after.challengeCount, 1n, "challenged once: not again after the expiry");
      assert.equal(after.openChallenges, 0n);
      assert.equal(after.nextEpoch, 5n, "the expiry rejected nothing");
      const aggregator = await read<{ active: boolean; bond: bigint }>("aggregatorInfo", [
        chain.wallets.aggregator.account.address,
      ]);
      assert.deepEqual([aggregator.active, aggregator.bond], [true, CHAIN_CONFIG.aggregatorBond], "nobody slashed");
      assert.equal(await read<boolean>("isClaimable", [4n]), true);
    } finally {
      await verifier.close();
      await driver.close();
    }
  });
});
