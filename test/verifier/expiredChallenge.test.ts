import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generatePrivateKey } from "viem/accounts";
import { rewardDistributorAbi as distributorAbi } from "../../src/contracts/abis.ts";
import { signChunkReceipt } from "../../src/protocol/messages/signChunkReceipt.ts";
import { createEpochDriver } from "./helpers/epochDriver.ts";
import { startTestVerifier } from "./helpers/startTestVerifier.ts";
import { CHAIN_CONFIG, setupVerifierChain } from "./helpers/verifierChain.ts";

// An expired challenge rejects nothing: the faulty post stands. With an arbiterTimeout shorter than the challenge
// window, the verifier challenges the post again while the window is open (its first bond refunded), and once the
// window is over it records the epoch as missed instead of challenging a post it no longer can.
describe("a challenge of ours that expires unanswered", () => {
  it("is followed by a new challenge while the post's window is open, and by none once it is over", async () => {
    const chain = await setupVerifierChain({ config: { challengeWindow: 600n, arbiterTimeout: 250n } });
    const driver = await createEpochDriver(chain);
    const verifier = await startTestVerifier(chain);
    const read = <T>(functionName: string, args: unknown[] = []) =>
      chain.publicClient.readContract({
        address: chain.distributor.address,
        abi: distributorAbi,
        functionName,
        args,
      } as never) as Promise<T>;
    const view = async () => (await fetch(`${verifier.url}/v1/epochs/0`)).json();
    /** Ticks until `done` holds (each tick is one round of every loop). */
    const tickUntil = async (what: string, done: (body: any) => boolean) => {
      for (let i = 0; i < 8; i++) {
        await verifier.tick();
        const body = await view();
        if (done(body)) return body;
      }
      throw new Error(`${what}: ${JSON.stringify((await view()).audit)}`);
    };
    try {
      const v = chain.makeViewer();
      const good = v.receipts({ relay: chain.relays[0]!.address, epoch: 0n, count: 2 });
      const forged = signChunkReceipt({ ...good[0]!.receipt, segment: 999_999n }, chain.domain, generatePrivateKey());
      await driver.post(0n, { tickets: [v.ticket], receipts: [...good, forged] });
      const first = await tickUntil("the first challenge", (b) => b.audit?.challenge?.status === "opened");
      assert.equal(first.audit.fault, "RECEIPT_INVALID");
      assert.equal(first.audit.challenge.challengeId, "1");

      // The arbiter lets it expire; the window (600 s from the post) is still open: challenged again.
      await chain.time.increase(250n);
      const second = await tickUntil(
        "the second challenge",
        (b) => b.audit?.challenge?.status === "opened" && b.audit.challenge.challengeId === "2",
      );
      assert.equal(second.post.rejectedByChallenge, null);
      assert.equal(Number((await read<{ status: number }>("challengeInfo", [1n])).status), 4); // Expired
      const again = await read<{ status: number; challenger: string; epoch: number }>("challengeInfo", [2n]);
      assert.equal(Number(again.status), 1);
      assert.equal(again.challenger.toLowerCase(), verifier.account!.toLowerCase());
      assert.equal(await read<bigint>("creditOf", [verifier.account]), CHAIN_CONFIG.challengerBond, "bond #1 back");
      assert.equal(await read<boolean>("isClaimable", [0n]), false, "held while challenge #2 is open");

      // It expires too, after the window: closed as expired, and the epoch is missed, not challenged a third time.
      await chain.time.increase(360n);
      const missed = await tickUntil("the epoch missed", (b) => b.audit?.challenge?.status === "missed");
      assert.equal(missed.audit.challenge.onChain, "expired");
      assert.equal(Number((await read<{ status: number }>("challengeInfo", [2n])).status), 4);
      assert.equal((await read<{ challengeCount: bigint }>("systemState")).challengeCount, 2n);
      assert.equal(await read<bigint>("creditOf", [verifier.account]), 2n * CHAIN_CONFIG.challengerBond);
      await verifier.tick();
      assert.equal((await read<{ challengeCount: bigint }>("systemState")).challengeCount, 2n);
    } finally {
      await verifier.close();
      await driver.close();
    }
  });
});
