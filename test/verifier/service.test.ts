import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { generatePrivateKey } from "viem/accounts";
import { rewardDistributorAbi as distributorAbi } from "../../src/contracts/abis.ts";
import { getEvidenceHash } from "../../src/contracts/getEvidenceHash.ts";
import { keccak256 } from "../../src/protocol/hash/keccak256.ts";
import { signChunkReceipt } from "../../src/protocol/messages/signChunkReceipt.ts";
import type { Address, Hex } from "../../src/protocol/types.ts";
import { signedChunkReceiptToJson } from "../../src/protocol/wire/signedChunkReceiptToJson.ts";
import { signedViewerTicketToJson } from "../../src/protocol/wire/signedViewerTicketToJson.ts";
import { resolveChallenge } from "../../src/verifier/arbiter/resolveChallenge.ts";
import { reviewChallenge } from "../../src/verifier/arbiter/reviewChallenge.ts";
import type { FaultCode } from "../../src/verifier/errors/codes.ts";
import { createEpochDriver, type PostOptions } from "./helpers/epochDriver.ts";
import { startTestVerifier } from "./helpers/startTestVerifier.ts";
import { CHAIN_CONFIG, setupVerifierChain, type VerifierChain } from "./helpers/verifierChain.ts";

type Ctx = {
  chain: VerifierChain;
  viewerA: ReturnType<VerifierChain["makeViewer"]>;
  viewerB: ReturnType<VerifierChain["makeViewer"]>;
  relays: VerifierChain["relays"];
};

/** One cheating aggregator per case: what epoch 1's post looks like, and the fault the verifier must prove. */
const cases: {
  name: string;
  code: FaultCode;
  funds?: bigint;
  epoch1: (ctx: Ctx) => PostOptions & { dispute?: boolean };
}[] = [
  {
    name: "inflated relay bytes",
    code: "RELAY_TOTAL_MISMATCH",
    epoch1: ({ viewerA, relays }) => ({
      tickets: [viewerA.ticket],
      receipts: viewerA.receipts({ relay: relays[0]!.address, epoch: 1n, count: 2 }),
      cheat: {
        leaves: (ls) =>
          ls.map((l) =>
            l.account === relays[0]!.address
              ? {
                  ...l,
                  epochBytes: l.epochBytes * 10n,
                  epochAmount: l.epochAmount * 10n,
                  cumulativeAmount: l.cumulativeAmount + l.epochAmount * 9n,
                }
              : l,
          ),
        pools: (ps) =>
          ps.map((p) => ({ ...p, epochBytes: p.epochBytes * 10n, rawTotal: p.rawTotal * 10n, total: p.total * 10n })),
      },
    }),
  },
  {
    name: "a relay's receipts dropped (found through the relay's dispute)",
    code: "RECEIPTS_OMITTED",
    epoch1: ({ viewerA, viewerB, relays }) => {
      const kept = viewerA.receipts({ relay: relays[0]!.address, epoch: 1n, count: 2 });
      const dropped = viewerB.receipts({ relay: relays[1]!.address, epoch: 1n, count: 3 });
      return {
        tickets: [viewerA.ticket, viewerB.ticket],
        receipts: kept,
        dispute: true,
        _dropped: dropped,
      } as PostOptions & { dispute: boolean };
    },
  },
  {
    name: "a forged receipt",
    code: "RECEIPT_INVALID",
    epoch1: ({ viewerA, relays, chain }) => {
      const good = viewerA.receipts({ relay: relays[0]!.address, epoch: 1n, count: 2 });
      const forged = signChunkReceipt({ ...good[0]!.receipt, segment: 4_242n }, chain.domain, generatePrivateKey());
      return { tickets: [viewerA.ticket], receipts: [...good, forged] };
    },
  },
  {
    name: "a duplicate receipt",
    code: "RECEIPT_DUPLICATE",
    epoch1: ({ viewerA, relays, chain }) => {
      const good = viewerA.receipts({ relay: relays[0]!.address, epoch: 1n, count: 2 });
      const twin = signChunkReceipt({ ...good[0]!.receipt, relay: relays[2]!.address }, chain.domain, viewerA.key);
      return { tickets: [viewerA.ticket], receipts: [...good, twin] };
    },
  },
  {
    name: "a wrong cumulative amount",
    code: "CUMULATIVE_MISMATCH",
    epoch1: ({ viewerA, relays }) => ({
      tickets: [viewerA.ticket],
      receipts: viewerA.receipts({ relay: relays[0]!.address, epoch: 1n, count: 2 }),
      cheat: {
        leaves: (ls) =>
          ls.map((l) => (l.account === relays[1]!.address ? { ...l, cumulativeAmount: l.cumulativeAmount + 777n } : l)),
      },
    }),
  },
  {
    name: "a pool overdrawn",
    code: "POOL_TOTAL_MISMATCH",
    funds: 4_000n, // epoch 0 takes 3,000 of it; epoch 1's receipts would earn 5,000 from the 1,000 left
    epoch1: ({ viewerA, relays, chain }) => ({
      tickets: [viewerA.ticket],
      receipts: viewerA.receipts({ relay: relays[0]!.address, epoch: 1n, count: 5 }),
      // After the snapshot the pool is topped up, and the cheater pays out of that as if it had been there.
      beforePost: async () => {
        await chain.write(chain.wallets.broadcaster, chain.distributor.address, distributorAbi, "fund", [
          chain.poolId,
          100_000n,
        ]);
      },
      pools: (facts) => facts.map((p) => ({ ...p, available: p.available + 100_000n })),
    }),
  },
  {
    name: "a bundle that does not match its hash",
    code: "BUNDLE_HASH_MISMATCH",
    epoch1: (c) => ({ ...honest1(c), bundleHash: `0x${"66".repeat(32)}` }),
  },
  {
    name: "a bundle that cannot be fetched",
    code: "BUNDLE_UNAVAILABLE",
    epoch1: (c) => ({ ...honest1(c), unavailable: true }),
  },
];

function honest1({ viewerA, relays }: Ctx): PostOptions {
  return { tickets: [viewerA.ticket], receipts: viewerA.receipts({ relay: relays[0]!.address, epoch: 1n, count: 2 }) };
}

describe("verifier service against a cheating aggregator", () => {
  for (const c of cases) {
    it(`catches ${c.name} (${c.code}), challenges in the window, and the arbiter's upheld challenge rejects the epoch; the honest re-post becomes claimable`, async () => {
      const chain = await setupVerifierChain(c.funds === undefined ? {} : { funds: c.funds });
      const driver = await createEpochDriver(chain);
      const verifier = await startTestVerifier(chain);
      try {
        const ctx: Ctx = { chain, viewerA: chain.makeViewer(), viewerB: chain.makeViewer(), relays: chain.relays };
        const read = <T>(functionName: string, args: unknown[] = []) =>
          chain.publicClient.readContract({
            address: chain.distributor.address,
            abi: distributorAbi,
            functionName,
            args,
          } as never) as Promise<T>;

        // Epoch 0: honest. Audited, not challenged.
        await driver.post(0n, {
          tickets: [ctx.viewerA.ticket, ctx.viewerB.ticket],
          receipts: [
            ...ctx.viewerA.receipts({ relay: ctx.relays[0]!.address, epoch: 0n, count: 1 }),
            ...ctx.viewerB.receipts({ relay: ctx.relays[1]!.address, epoch: 0n, count: 2 }),
          ],
        });
        await verifier.tick();
        const e0 = await (await fetch(`${verifier.url}/v1/epochs/0`)).json();
        assert.equal(e0.audit.status, "ok");
        assert.equal(e0.audit.challenge.status, "not_needed");

        // Epoch 1: the cheat.
        const spec = c.epoch1(ctx) as PostOptions & {
          dispute?: boolean;
          _dropped?: ReturnType<Ctx["viewerB"]["receipts"]>;
        };
        const posted = await driver.post(1n, spec);
        await verifier.tick();
        if (c.code === "BUNDLE_UNAVAILABLE" || c.code === "BUNDLE_HASH_MISMATCH") {
          const pending = await (await fetch(`${verifier.url}/v1/epochs/1`)).json();
          assert.equal(pending.audit.status, "pending", "an unavailable bundle is retried before it is a fault");
          await chain.time.increase(6);
          await verifier.tick();
        }
        if (spec.dispute) {
          const ok = await (await fetch(`${verifier.url}/v1/epochs/1`)).json();
          assert.equal(ok.audit.status, "ok", "the bundle is consistent: only the relay's receipts show the omission");
          const res = await fetch(`${verifier.url}/v1/disputes`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
              relay: ctx.relays[1]!.address,
              tickets: [signedViewerTicketToJson(ctx.viewerB.ticket)],
              receipts: spec._dropped!.map(signedChunkReceiptToJson),
            }),
          });
          assert.equal(res.status, 201);
          const dispute = await res.json();
          assert.equal(dispute.status, "challenge_pending");
          assert.equal(dispute.omittedCount, 3);
          await verifier.tick();
          const after = await (await fetch(`${verifier.url}/v1/disputes/${dispute.id}`)).json();
          assert.equal(after.status, "challenged");
        }
        await verifier.tick();
        const e1 = await (await fetch(`${verifier.url}/v1/epochs/1`)).json();
        assert.equal(e1.audit.status, "faulty");
        assert.equal(e1.audit.fault, c.code);
        assert.equal(e1.audit.challenge.status, "opened");

        // On chain: the verifier's challenge, committing to the evidence it serves.
        const challengeId = BigInt(e1.audit.challenge.challengeId);
        const info = await read<{ openChallenges: bigint }>("epochInfo", [1n]);
        assert.equal(info.openChallenges, 1n);
        const challenge = await read<{ challenger: Address; evidenceHash: Hex; epoch: number }>("challengeInfo", [
          challengeId,
        ]);
        assert.equal(challenge.challenger.toLowerCase(), verifier.account);
        const evidenceRes = await fetch(e1.audit.evidenceURI);
        const evidenceBytes = new Uint8Array(await evidenceRes.arrayBuffer());
        // The evidence is bound to its challenger: keccak256(abi.encode(challenger, keccak256(document))).
        assert.equal(
          getEvidenceHash(challenge.challenger, `0x${Buffer.from(keccak256(evidenceBytes)).toString("hex")}`),
          challenge.evidenceHash,
        );
        const evidence = JSON.parse(new TextDecoder().decode(evidenceBytes));
        assert.equal(evidence.fault, c.code);
        assert.equal(evidence.posted.root, posted.bundle.root);

        // The arbiter reviews independently and upholds; the epoch is rejected and the aggregator slashed.
        const review = await reviewChallenge({
          client: chain.publicClient,
          distributor: chain.distributor.address,
          challengeId,
          fromBlock: chain.deployBlock,
        });
        assert.equal(review.verdict, "uphold");
        assert.ok(
          review.confirmed.includes(c.code),
          `the review confirms ${c.code} (found: ${review.findings.map((f) => f.code)})`,
        );
        const arbiterWallet = chain.wallets.arbiter;
        const { rejectedEpochs } = await resolveChallenge({
          publicClient: chain.publicClient,
          walletClient: arbiterWallet as never,
          distributor: chain.distributor.address,
          challengeId,
          decision: "uphold",
        });
        assert.deepEqual(rejectedEpochs, [1n]);
        const state = await read<{ nextEpoch: bigint }>("systemState");
        assert.equal(state.nextEpoch, 1n);
        assert.ok(
          (await read<bigint>("creditOf", [verifier.account])) > CHAIN_CONFIG.challengerBond,
          "bond back plus a share of the slashed bond",
        );
        assert.equal(
          (await read<{ active: boolean }>("aggregatorInfo", [chain.wallets.aggregator.account.address])).active,
          false,
        );
        await verifier.tick();
        const rejected = await (await fetch(`${verifier.url}/v1/epochs/1`)).json();
        assert.equal(rejected.post.rejectedByChallenge, String(challengeId));

        // The aggregator bonds again and posts epoch 1 honestly: audited clean, claimable after the window.
        driver.rejectFrom(1n);
        await chain.write(
          chain.wallets.aggregator,
          chain.distributor.address,
          distributorAbi,
          "registerAggregator",
          [],
          CHAIN_CONFIG.aggregatorBond,
        );
        await driver.post(1n, honest1(ctx));
        await verifier.tick();
        const reposted = await (await fetch(`${verifier.url}/v1/epochs/1`)).json();
        assert.equal(reposted.audit.status, "ok");
        assert.equal(reposted.audit.challenge.status, "not_needed");
        await chain.time.increase(CHAIN_CONFIG.challengeWindow);
        assert.equal(await read<boolean>("isClaimable", [1n]), true);
        assert.equal(
          (await read<{ challengeCount: bigint }>("systemState")).challengeCount,
          1n,
          "nothing else was challenged",
        );
      } finally {
        await verifier.close();
        await driver.close();
      }
    });
  }
});

after(() => {});
