import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { generatePrivateKey } from "viem/accounts";
import { auditBundle } from "../../src/protocol/audit/auditBundle.ts";
import type { TicketCarry } from "../../src/protocol/audit/types.ts";
import type { ReceiptVerifier } from "../../src/protocol/createReceiptVerifier.ts";
import { createFastKeccak256 } from "../../src/protocol/hash/createFastKeccak256.ts";
import { signChunkReceipt } from "../../src/protocol/messages/signChunkReceipt.ts";
import { createNodeReceiptVerifier } from "../../src/protocol/node/createNodeReceiptVerifier.ts";
import { EMPTY_EPOCH_ROOT } from "../../src/protocol/tree/emptyEpochRoot.ts";
import type { Hex, Keccak256, RewardLeaf } from "../../src/protocol/types.ts";
import { createChainFacts } from "../../src/verifier/chain/createChainFacts.ts";
import type { ChainFacts, PostedEpoch } from "../../src/verifier/chain/types.ts";
import { type BundleCheat, buildTestBundle, type TestBundle } from "./helpers/testBundle.ts";
import { setupVerifierChain, type VerifierChain } from "./helpers/verifierChain.ts";

// The audit itself (auditBundle), on a real chain, against bundles written per docs/bundle.md: an honest bundle has
// no finding; each way of cheating is found with its fault code.
describe("auditBundle", () => {
  let chain: VerifierChain;
  let facts: ChainFacts;
  let verifier: ReceiptVerifier;
  let keccak: Keccak256;
  let snapshot0: bigint;
  let postBlock: bigint;
  const noCarry = async (): Promise<TicketCarry> => ({ seen: new Set(), bytes: new Map(), missingEpochs: [] });
  let viewerA: ReturnType<VerifierChain["makeViewer"]>;
  let viewerB: ReturnType<VerifierChain["makeViewer"]>;
  let receipts0: ReturnType<ReturnType<VerifierChain["makeViewer"]>["receipts"]>;
  let receipts1: typeof receipts0;

  before(async () => {
    chain = await setupVerifierChain();
    const [r1, r2] = chain.relays;
    viewerA = chain.makeViewer();
    viewerB = chain.makeViewer({ maxBytes: 6_000_000n });
    receipts0 = [
      ...viewerA.receipts({ relay: r1!.address, epoch: 0n, count: 3 }),
      ...viewerB.receipts({ relay: r2!.address, epoch: 0n, count: 2 }),
    ];
    receipts1 = [...viewerA.receipts({ relay: r1!.address, epoch: 1n, count: 2 })];
    snapshot0 = await chain.closeEpoch(1n);
    await chain.mine();
    postBlock = await chain.publicClient.getBlockNumber();
    facts = await createChainFacts({ client: chain.publicClient, distributor: chain.distributor.address });
    verifier = await createNodeReceiptVerifier({ domain: chain.domain });
    keccak = await createFastKeccak256();
  });

  async function bundle0(
    cheat?: BundleCheat,
    extra: { receipts?: typeof receipts0; credited?: typeof receipts0; format?: 1 | 2 } = {},
  ): Promise<TestBundle> {
    return buildTestBundle({
      domain: chain.domain,
      epochParams: chain.epochParams,
      epoch: 0n,
      snapshotBlock: snapshot0,
      tickets: [viewerA.ticket, viewerB.ticket],
      receipts: extra.receipts ?? receipts0,
      ...(extra.credited ? { credited: extra.credited } : {}),
      pools: await chain.poolFacts(0n, snapshot0),
      ...(cheat ? { cheat } : {}),
      ...(extra.format ? { format: extra.format } : {}),
    });
  }

  function postOf(b: TestBundle, epoch = 0n, over: Partial<PostedEpoch> = {}): PostedEpoch {
    return {
      id: `0x${"ab".repeat(32)}:${epoch}`,
      epoch,
      aggregator: chain.wallets.aggregator.account.address,
      root: b.root,
      bundleHash: b.hash,
      bundleURI: "http://example/bundle",
      poolTotals: b.poolTotals,
      dataHash: `0x${"00".repeat(32)}`,
      blockNumber: postBlock,
      blockHash: `0x${"00".repeat(32)}`,
      txHash: `0x${"ab".repeat(32)}`,
      logIndex: 0,
      postedAt: 0n,
      ...over,
    };
  }

  const run = (
    b: TestBundle,
    post: PostedEpoch,
    previous: { bundleHash: Hex; leaves: RewardLeaf[] } | null = null,
    bytes = b.bytes,
  ) => auditBundle({ post, bytes, previous, loadCarry: noCarry, facts, verifier, keccak });

  it("finds nothing wrong with an honest bundle, and recomputes its root and pool totals", async () => {
    const b = await bundle0();
    const result = await run(b, postOf(b));
    assert.deepEqual(result.findings, []);
    assert.equal(result.recomputation!.root, b.root);
    assert.deepEqual(result.recomputation!.poolTotals, b.poolTotals);
    assert.equal(result.recomputation!.accepted.length, 5);
    assert.equal(result.bundle!.leaves.length, 2);
  });

  it("audits a legacy format-1 bundle as its format-2 twin: nothing wrong, the same recomputation", async () => {
    const v2 = await bundle0();
    const v1 = await bundle0(undefined, { format: 1 });
    assert.equal(new TextDecoder().decode(v1.bytes.subarray(0, 1)), "{");
    assert.notEqual(v1.hash, v2.hash);
    const [a, b] = [await run(v1, postOf(v1)), await run(v2, postOf(v2))];
    assert.deepEqual(a.findings, []);
    assert.deepEqual(a.recomputation, b.recomputation);
    assert.deepEqual(a.bundle, b.bundle);
  });

  it("accepts an epoch without any leaf, posted with the empty-epoch root", async () => {
    const b = buildTestBundle({
      domain: chain.domain,
      epochParams: chain.epochParams,
      epoch: 0n,
      snapshotBlock: snapshot0,
      tickets: [],
      receipts: [],
      pools: await chain.poolFacts(0n, snapshot0),
    });
    assert.equal(b.root, EMPTY_EPOCH_ROOT);
    const result = await run(b, postOf(b));
    assert.deepEqual(result.findings, []);
    const zero = await run(b, postOf(b, 0n, { root: `0x${"00".repeat(32)}` }));
    assert.equal(zero.findings[0]!.code, "ROOT_MISMATCH");
  });

  it("reports RELAY_TOTAL_MISMATCH when a relay's bytes are inflated (even with a consistent root and pool total)", async () => {
    const relay = chain.relays[0]!.address;
    const b = await bundle0({
      leaves: (ls) =>
        ls.map((l) =>
          l.account === relay
            ? {
                ...l,
                epochBytes: l.epochBytes * 2n,
                epochAmount: l.epochAmount * 2n,
                cumulativeAmount: l.cumulativeAmount * 2n,
              }
            : l,
        ),
      pools: (ps) =>
        ps.map((p) => ({
          ...p,
          epochBytes: p.epochBytes + 3_000_000n,
          rawTotal: p.rawTotal + 3_000n,
          total: p.total + 3_000n,
        })),
    });
    const result = await run(b, postOf(b));
    assert.equal(result.findings[0]!.code, "RELAY_TOTAL_MISMATCH");
    assert.ok(result.findings.some((f) => f.code === "POOL_TOTAL_MISMATCH"));
    assert.notEqual(result.recomputation!.root, b.root);
  });

  it("reports RECEIPT_INVALID for a forged receipt (not signed by the ticket's viewer)", async () => {
    const forged = signChunkReceipt({ ...receipts0[0]!.receipt, segment: 999n }, chain.domain, generatePrivateKey());
    const b = await bundle0(undefined, { receipts: [...receipts0, forged] });
    const result = await run(b, postOf(b));
    assert.equal(result.findings[0]!.code, "RECEIPT_INVALID");
    const item = result.findings[0]!.items[0] as { errors: { code: string }[] };
    assert.deepEqual(
      item.errors.map((e) => e.code),
      ["RECEIPT_SIGNER_NOT_VIEWER"],
    );
  });

  it("reports RECEIPT_INVALID for a receipt of another epoch and for one over its ticket's maxBytes", async () => {
    const over = viewerB.receipts({ relay: chain.relays[1]!.address, epoch: 0n, count: 5 }); // 2 + 5 MB > 6 MB
    const b = await bundle0(undefined, { receipts: [...receipts0, receipts1[0]!, ...over] });
    const result = await run(b, postOf(b));
    assert.equal(result.findings[0]!.code, "RECEIPT_INVALID");
    const codes = result.findings[0]!.items.flatMap((i) =>
      (i as { errors: { code: string }[] }).errors.map((e) => e.code),
    );
    assert.ok(codes.includes("RECEIPT_WRONG_EPOCH"));
    assert.ok(codes.includes("RECEIPT_OVER_MAX_BYTES"));
  });

  it("reports RECEIPT_DUPLICATE when a chunk is credited twice (same uniqueness key, another relay)", async () => {
    const twin = signChunkReceipt(
      { ...receipts0[0]!.receipt, relay: chain.relays[2]!.address },
      chain.domain,
      viewerA.key,
    );
    const b = await bundle0(undefined, { receipts: [...receipts0, twin] });
    const result = await run(b, postOf(b));
    assert.equal(result.findings[0]!.code, "RECEIPT_DUPLICATE");
  });

  it("reports RECEIPT_DUPLICATE when the same receipt is listed twice", async () => {
    const relay = receipts0[1]!.receipt.relay;
    const b = await bundle0({
      listedReceipts: (rs) => [...rs, receipts0[1]!],
      leaves: (ls) =>
        ls.map((l) =>
          l.account === relay
            ? {
                ...l,
                epochBytes: l.epochBytes + 1_000_000n,
                epochAmount: l.epochAmount + 1_000n,
                cumulativeAmount: l.cumulativeAmount + 1_000n,
              }
            : l,
        ),
    });
    const result = await run(b, postOf(b));
    assert.equal(result.findings[0]!.code, "RECEIPT_DUPLICATE");
  });

  it("reports CUMULATIVE_MISMATCH when a cumulative amount forgets the previous epoch", async () => {
    const b0 = await bundle0();
    const b1 = buildTestBundle({
      domain: chain.domain,
      epochParams: chain.epochParams,
      epoch: 1n,
      previousBundleHash: b0.hash,
      snapshotBlock: snapshot0,
      tickets: [viewerA.ticket],
      receipts: receipts1,
      pools: await chain.poolFacts(1n, snapshot0),
      previousLeaves: b0.leaves,
      cheat: { leaves: (ls) => ls.map((l) => ({ ...l, cumulativeAmount: l.epochAmount })) },
    });
    const result = await run(b1, postOf(b1, 1n), { bundleHash: b0.hash, leaves: b0.leaves });
    assert.equal(result.findings[0]!.code, "CUMULATIVE_MISMATCH");
    assert.equal(result.findings.length, 1);
  });

  it("reports CUMULATIVE_MISMATCH when an account of the previous bundle loses its leaf", async () => {
    const b0 = await bundle0();
    const b1 = buildTestBundle({
      domain: chain.domain,
      epochParams: chain.epochParams,
      epoch: 1n,
      previousBundleHash: b0.hash,
      snapshotBlock: snapshot0,
      tickets: [viewerA.ticket],
      receipts: receipts1,
      pools: await chain.poolFacts(1n, snapshot0),
      previousLeaves: b0.leaves,
      cheat: { leaves: (ls) => ls.filter((l) => l.account !== chain.relays[1]!.address) },
    });
    const result = await run(b1, postOf(b1, 1n), { bundleHash: b0.hash, leaves: b0.leaves });
    assert.equal(result.findings[0]!.code, "CUMULATIVE_MISMATCH");
  });

  it("reports POOL_TOTAL_MISMATCH when the bundle's pool balance or price is not the chain's", async () => {
    const facts0 = await chain.poolFacts(0n, snapshot0);
    const b = buildTestBundle({
      domain: chain.domain,
      epochParams: chain.epochParams,
      epoch: 0n,
      snapshotBlock: snapshot0,
      tickets: [viewerA.ticket, viewerB.ticket],
      receipts: receipts0,
      pools: facts0.map((p) => ({ ...p, available: 1_000n })), // as if the pool held 1,000: everything scaled down
    });
    // The chain's balance is far larger: the honest bundle would not scale. Pretend the opposite: claim a bigger
    // balance than the chain had and pay more than it.
    const honest = await bundle0();
    const inflated = buildTestBundle({
      domain: chain.domain,
      epochParams: chain.epochParams,
      epoch: 0n,
      snapshotBlock: snapshot0,
      tickets: [viewerA.ticket, viewerB.ticket],
      receipts: receipts0,
      pools: facts0.map((p) => ({ ...p, pricePerGB: p.pricePerGB * 2n })),
    });
    const r1 = await run(b, postOf(b));
    assert.equal(r1.findings[0]!.code, "POOL_TOTAL_MISMATCH");
    const r2 = await run(inflated, postOf(inflated));
    assert.equal(r2.findings[0]!.code, "POOL_TOTAL_MISMATCH");
    assert.deepEqual(r2.recomputation!.poolTotals, honest.poolTotals);
  });

  it("reports POOL_TOTAL_MISMATCH when the posted pool totals are not the bundle's", async () => {
    const b = await bundle0();
    const result = await run(
      b,
      postOf(b, 0n, { poolTotals: b.poolTotals.map((t) => ({ ...t, amount: t.amount + 1n })) }),
    );
    assert.equal(result.findings[0]!.code, "POOL_TOTAL_MISMATCH");
  });

  it("reports ROOT_MISMATCH when the posted root is not the bundle's", async () => {
    const b = await bundle0(undefined);
    const result = await run(b, postOf(b, 0n, { root: `0x${"12".repeat(32)}` }));
    assert.equal(result.findings[0]!.code, "ROOT_MISMATCH");
  });

  it("reports BUNDLE_HASH_MISMATCH when the bytes are not those posted, and audits nothing else", async () => {
    const b = await bundle0();
    const altered = new Uint8Array(b.bytes);
    altered[altered.length - 3] = 0x30;
    const result = await run(b, postOf(b), null, altered);
    assert.deepEqual(
      result.findings.map((f) => f.code),
      ["BUNDLE_HASH_MISMATCH"],
    );
  });

  it("reports BUNDLE_MALFORMED for a truncated bundle whose hash was posted", async () => {
    const b = await bundle0();
    const cut = b.bytes.slice(0, b.bytes.length - 3); // the end record (and the last line of format 1) cut off
    const hash = `0x${Buffer.from(keccak(cut)).toString("hex")}` as Hex;
    const result = await run(b, postOf(b, 0n, { bundleHash: hash }), null, cut);
    assert.deepEqual(
      result.findings.map((f) => f.code),
      ["BUNDLE_MALFORMED"],
    );
  });

  it("reports HEADER_MISMATCH for a snapshot block taken before the epoch closed", async () => {
    const b = buildTestBundle({
      domain: chain.domain,
      epochParams: chain.epochParams,
      epoch: 0n,
      snapshotBlock: chain.deployBlock,
      tickets: [viewerA.ticket, viewerB.ticket],
      receipts: receipts0,
      pools: await chain.poolFacts(0n, snapshot0),
    });
    const result = await run(b, postOf(b));
    assert.equal(result.findings[0]!.code, "HEADER_MISMATCH");
    assert.equal((result.findings[0]!.items[0] as { field: string }).field, "snapshotBlock");
  });

  it("credits a chunk once across epochs: a receipt already credited in an earlier epoch is a duplicate", async () => {
    const again = signChunkReceipt(
      { ...receipts0[0]!.receipt, deliveredAt: receipts1[0]!.receipt.deliveredAt },
      chain.domain,
      viewerA.key,
    );
    const b0 = await bundle0();
    const b1 = buildTestBundle({
      domain: chain.domain,
      epochParams: chain.epochParams,
      epoch: 1n,
      previousBundleHash: b0.hash,
      snapshotBlock: snapshot0,
      tickets: [viewerA.ticket],
      receipts: [...receipts1, again],
      pools: await chain.poolFacts(1n, snapshot0),
      previousLeaves: b0.leaves,
    });
    const carry: TicketCarry = {
      seen: new Set([`${viewerA.ticketHash}:${receipts0[0]!.receipt.segment}:0`]),
      bytes: new Map([[viewerA.ticketHash, 3_000_000n]]),
      missingEpochs: [],
    };
    const result = await auditBundle({
      post: postOf(b1, 1n),
      bytes: b1.bytes,
      previous: { bundleHash: b0.hash, leaves: b0.leaves },
      loadCarry: async () => carry,
      facts,
      verifier,
      keccak,
    });
    assert.equal(result.findings[0]!.code, "RECEIPT_DUPLICATE");
  });
});
