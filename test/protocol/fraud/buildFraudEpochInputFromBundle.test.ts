// buildFraudEpochInputFromBundle: an epoch built directly with the commitments library, written as a format-3
// bundle and read back, gives buildFraudEpoch the same trees (claim root, pools and tickets roots, dataHash); a
// bundle whose trees credit one receipt with another size than the leaf accounts for gives a relayTotal proof whose
// paths open the trees the bundle states; placements that describe no tree are refused; and the input of 10^5
// receipts is measured.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { createBundleRecordWriter } from "../../../src/protocol/bundle/createBundleRecordWriter.ts";
import { readBundleItems } from "../../../src/protocol/bundle/readBundleItems.ts";
import { BUNDLE_V2_MAGIC, BUNDLE_V3_MAGIC, type BundleItem } from "../../../src/protocol/bundle/types.ts";
import { buildClaimTree } from "../../../src/protocol/commitments/buildClaimTree.ts";
import { buildPoolAccountsTree } from "../../../src/protocol/commitments/buildPoolAccountsTree.ts";
import { buildPoolsTree } from "../../../src/protocol/commitments/buildPoolsTree.ts";
import { buildRelayReceiptsTree } from "../../../src/protocol/commitments/buildRelayReceiptsTree.ts";
import { buildTicketReceiptsTree } from "../../../src/protocol/commitments/buildTicketReceiptsTree.ts";
import { buildTicketsTree } from "../../../src/protocol/commitments/buildTicketsTree.ts";
import { hashClaimLeaf } from "../../../src/protocol/commitments/hashClaimLeaf.ts";
import { hashEpochCommitment } from "../../../src/protocol/commitments/hashEpochCommitment.ts";
import { hashEpochDataV2 } from "../../../src/protocol/commitments/hashEpochDataV2.ts";
import { hashPoolNode } from "../../../src/protocol/commitments/hashPoolNode.ts";
import { hashPostedPoolTotals } from "../../../src/protocol/commitments/hashPostedPoolTotals.ts";
import { hashReceiptNode } from "../../../src/protocol/commitments/hashReceiptNode.ts";
import { hashSignature } from "../../../src/protocol/commitments/hashSignature.ts";
import { hashTicketNode } from "../../../src/protocol/commitments/hashTicketNode.ts";
import type { PostedPoolTotal, ReceiptNode, TicketReceiptNode } from "../../../src/protocol/commitments/types.ts";
import { getReceiptId } from "../../../src/protocol/eip712/getReceiptId.ts";
import { hashViewerTicket } from "../../../src/protocol/eip712/hashViewerTicket.ts";
import { ProtocolError } from "../../../src/protocol/errors/ProtocolError.ts";
import { buildFraudEpoch } from "../../../src/protocol/fraud/buildFraudEpoch.ts";
import { buildFraudEpochInputFromBundle } from "../../../src/protocol/fraud/buildFraudEpochInputFromBundle.ts";
import { findProvableFaults } from "../../../src/protocol/fraud/findProvableFaults.ts";
import { createFastKeccak256 } from "../../../src/protocol/hash/createFastKeccak256.ts";
import { verifyPositionSumProof } from "../../../src/protocol/sumtree/verifyPositionSumProof.ts";
import { verifyMerkleProof } from "../../../src/protocol/tree/verifyMerkleProof.ts";
import type { Address, Hex, SignedChunkReceipt, SignedViewerTicket } from "../../../src/protocol/types.ts";
import { bytesToHex } from "../../../src/protocol/utils/bytes.ts";
import { signedChunkReceiptToJson } from "../../../src/protocol/wire/signedChunkReceiptToJson.ts";
import { signedViewerTicketToJson } from "../../../src/protocol/wire/signedViewerTicketToJson.ts";
import { addresses, domain, epochParams, genesisMs, makeSignedPair, poolId } from "../fixtures.ts";

const PRICE = 1_000_000n;
const EPOCH = 0n;
const SCALE_BALANCE = 10n ** 20n;
/** A second pool whose only account earned in an earlier epoch: a pools-tree leaf with total 0, not posted. */
const IDLE_POOL = `0x${"f0".repeat(32)}` as Hex;
const IDLE_ACCOUNT = `0x${"c4".repeat(20)}` as Address;
const AGGREGATOR = addresses.other;
const facts = {
  domain,
  epochParams,
  priceAt: () => PRICE,
  ticketSignerAt: () => addresses.ticketSigner,
  earlier: [],
};
const lower = <T extends string>(s: T) => s.toLowerCase() as T;
const byHex = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

type Credited = { receiptId: Hex; signed: SignedChunkReceipt; node: ReceiptNode };

/**
 * Epoch 0 of pool `poolId`: three tickets, nine receipts over two relays, every tree computed directly with the
 * commitments library, then written as format 3. `tamperSize` gives the receipt at that index (receiptId order)
 * another size in the file and in the trees built over it, while its leaf's epochBytes and amounts stay those of
 * the signed sizes: the bundle states trees that credit bytes nobody signed.
 */
function epochBundle(tamperSize?: number) {
  const tickets = new Map<string, SignedViewerTicket>();
  const credited: Credited[] = [];
  for (let i = 0; i < 9; i++) {
    const relay = i % 2 === 0 ? addresses.relay : addresses.other;
    const pair = makeSignedPair(
      { streamId: `0x${(i % 3).toString(16).padStart(64, "0")}` },
      { segment: BigInt(8 - i), chunk: i % 2, relay, deliveredAt: genesisMs + BigInt(i) * 1000n, size: 1000 + i },
    );
    tickets.set(lower(hashViewerTicket(pair.ticket.ticket)), pair.ticket);
    const receipt = {
      ...pair.receipt.receipt,
      relay: lower(relay),
      ticketHash: lower(pair.receipt.receipt.ticketHash),
    };
    const signed = { receipt, signature: pair.receipt.signature };
    const receiptId = getReceiptId(receipt, domain);
    credited.push({ receiptId, signed, node: nodeOf(receiptId, signed) });
  }
  credited.sort((a, b) => byHex(a.receiptId, b.receiptId));
  const signedSizes = credited.map((c) => c.signed.receipt.size);
  if (tamperSize !== undefined) {
    const c = credited[tamperSize]!;
    const receipt = { ...c.signed.receipt, size: c.signed.receipt.size + 4096 };
    c.signed = { receipt, signature: c.signed.signature };
    c.node = nodeOf(c.receiptId, c.signed);
  }

  // Claim leaves (ascending account within the pool), each over its relay receipts tree.
  const relays = [...new Set(credited.map((c) => c.signed.receipt.relay))].sort(byHex);
  const leaves = relays.map((relay) => {
    const mine = credited.map((c, i) => ({ c, i })).filter(({ c }) => c.signed.receipt.relay === relay);
    const tree = buildRelayReceiptsTree(mine.map(({ c }) => c.node));
    const epochBytes = mine.reduce((s, { i }) => s + BigInt(signedSizes[i]!), 0n);
    const baseAmount = (epochBytes * PRICE) / 1_000_000_000n;
    return {
      account: relay,
      poolId,
      cumulativeAmount: baseAmount,
      epochBytes,
      baseAmount,
      epochAmount: baseAmount,
      bonusAmount: 0n,
      receiptsRoot: tree.rootHash,
      receiptCount: BigInt(mine.length),
      prevCumulative: 0n,
    };
  });
  const idleLeaf = {
    account: IDLE_ACCOUNT,
    poolId: IDLE_POOL,
    cumulativeAmount: 77n,
    epochBytes: 0n,
    baseAmount: 0n,
    epochAmount: 0n,
    bonusAmount: 0n,
    receiptsRoot: `0x${"00".repeat(32)}` as Hex,
    receiptCount: 0n,
    prevCumulative: 77n,
  };
  const allLeaves = [...leaves, idleLeaf];
  const claimLeaf = (l: (typeof allLeaves)[number]) => ({
    account: l.account,
    poolId: l.poolId,
    cumulativeAmount: l.cumulativeAmount,
    epochCommitment: hashEpochCommitment(l),
  });
  const claimRoot = buildClaimTree(allLeaves.map(claimLeaf)).root;

  // Pools tree: each pool over its accounts tree.
  const poolRecords = [
    { poolId, leaves },
    { poolId: IDLE_POOL, leaves: [idleLeaf] },
  ]
    .sort((a, b) => byHex(a.poolId, b.poolId))
    .map(({ poolId: id, leaves: ls }) => {
      const accounts = buildPoolAccountsTree(
        ls.map((l) => ({ ...claimLeaf(l), baseAmount: l.baseAmount, amount: l.epochAmount + l.bonusAmount })),
      );
      const total = ls.reduce((s, l) => s + l.epochAmount, 0n);
      const uncappedTotal = ls.reduce((s, l) => s + l.baseAmount, 0n);
      const node = {
        poolId: id,
        total,
        uncappedTotal,
        scaleBalance: SCALE_BALANCE,
        leavesRoot: accounts.rootHash,
        leafCount: BigInt(ls.length),
      };
      return { node, epochBytes: ls.reduce((s, l) => s + l.epochBytes, 0n) };
    });
  const poolsTree = buildPoolsTree(
    poolRecords.map((p) => ({ key: p.node.poolId, hash: hashPoolNode(p.node), value: p.node.total })),
  );
  const posted: PostedPoolTotal[] = poolRecords
    .filter((p) => p.node.total > 0n || p.node.uncappedTotal > 0n)
    .map((p) => ({
      poolId: p.node.poolId,
      total: p.node.total,
      uncappedTotal: p.node.uncappedTotal,
      scaleBalance: p.node.scaleBalance,
    }));

  // Tickets tree: each ticket over its receipts tree, (segment, chunk) order; a receipt's position is its index.
  const position = new Map<string, number>();
  const ticketRecords = [...tickets.entries()]
    .sort(([a], [b]) => byHex(a, b))
    .map(([ticketHash, signed]) => {
      const mine = credited.filter((c) => c.signed.receipt.ticketHash === ticketHash);
      const tree = buildTicketReceiptsTree(
        mine.map(
          (c): TicketReceiptNode => ({
            segment: c.node.segment,
            chunk: c.node.chunk,
            relay: c.signed.receipt.relay,
            receiptId: c.receiptId,
            size: c.node.size,
          }),
        ),
      );
      tree.receipts.forEach((r, i) => position.set(r.receiptId, i));
      const bytesIn = mine.reduce((s, c) => s + BigInt(signedSizes[credited.indexOf(c)]!), 0n);
      const node = {
        ticketHash: ticketHash as Hex,
        ticketSignatureHash: hashSignature(signed.signature),
        bytesBefore: 0n,
        bytesIn,
        receiptsOfTicketRoot: tree.rootHash,
        count: BigInt(mine.length),
        prevEpoch: EPOCH,
      };
      return { node, signed };
    });
  const ticketsTree = buildTicketsTree(
    ticketRecords.map((t) => ({ key: t.node.ticketHash, hash: hashTicketNode(t.node), value: t.node.bytesIn })),
  );

  // The bundle, format 3.
  const w = createBundleRecordWriter(1 << 12, { version: 3 });
  w.header({
    chainId: BigInt(domain.chainId),
    distributor: lower(domain.verifyingContract),
    epoch: EPOCH,
    genesisTime: epochParams.genesisTime,
    epochSeconds: epochParams.epochSeconds,
    graceSeconds: epochParams.graceSeconds,
    previousBundleHash: `0x${"00".repeat(32)}`,
    snapshotBlock: 7n,
    root: claimRoot,
    poolCount: poolRecords.length,
    ticketCount: ticketRecords.length,
    receiptCount: credited.length,
    leafCount: allLeaves.length,
    poolsRoot: poolsTree.rootHash,
    poolsCount: BigInt(poolsTree.length),
    ticketsRoot: ticketsTree.rootHash,
    ticketsCount: BigInt(ticketsTree.length),
  });
  for (const p of poolRecords)
    w.pool({
      ...p.node,
      pricePerGB: PRICE,
      available: SCALE_BALANCE,
      epochBytes: p.epochBytes,
      rawTotal: p.node.uncappedTotal,
    });
  for (const t of ticketRecords) {
    const json = signedViewerTicketToJson(t.signed);
    w.ticket({ ...json.ticket, signature: json.signature, ...t.node });
  }
  for (const c of credited) {
    const json = signedChunkReceiptToJson(c.signed);
    w.receipt({
      receiptId: c.receiptId,
      ...json.receipt,
      signature: json.signature,
      ticketPosition: position.get(c.receiptId),
      creditLeaf: 0,
    });
  }
  for (const l of [...allLeaves].sort((a, b) => byHex(a.poolId, b.poolId) || byHex(a.account, b.account))) w.leaf(l);
  w.end(credited.length, allLeaves.length);
  const body = w.take();
  const bytes = new Uint8Array(8 + body.length);
  bytes.set(BUNDLE_V3_MAGIC);
  bytes.set(body, 8);
  const bundleHash = bytesToHex(keccak_256(bytes));
  const data = {
    aggregator: AGGREGATOR,
    bundleHash,
    poolTotalsHash: hashPostedPoolTotals(posted),
    poolsRoot: poolsTree.rootHash,
    poolsCount: BigInt(poolsTree.length),
    ticketsRoot: ticketsTree.rootHash,
    ticketsCount: BigInt(ticketsTree.length),
  };
  return {
    bytes,
    post: { aggregator: AGGREGATOR, bundleHash, posted },
    claimRoot,
    data,
    dataHash: hashEpochDataV2(data),
  };
}

function nodeOf(receiptId: Hex, signed: SignedChunkReceipt): ReceiptNode {
  const r = signed.receipt;
  return {
    receiptId,
    ticketHash: r.ticketHash,
    segment: r.segment,
    chunk: r.chunk,
    size: r.size,
    deliveredAt: r.deliveredAt,
    signatureHash: hashSignature(signed.signature),
  };
}

async function collect(bytes: Uint8Array): Promise<BundleItem[]> {
  const items: BundleItem[] = [];
  for await (const item of readBundleItems(bytes)) items.push(item);
  return items;
}

function refused(field: string) {
  return (err: unknown) => {
    assert.ok(err instanceof ProtocolError, String(err));
    assert.equal(err.code, "BUNDLE_MALFORMED");
    assert.equal(err.field, field, err.shortMessage);
    return true;
  };
}

describe("buildFraudEpochInputFromBundle", () => {
  it("an honest epoch written as format 3 rebuilds the same claim root, pools and tickets roots and dataHash", async () => {
    const e = epochBundle();
    const input = await buildFraudEpochInputFromBundle(readBundleItems(e.bytes), e.post);
    const epoch = buildFraudEpoch(input);
    assert.equal(epoch.claimTree!.root, e.claimRoot);
    assert.deepEqual(epoch.data, e.data);
    assert.equal(epoch.dataHash, e.dataHash);
    assert.deepEqual(
      epoch.relayTrees.map((t) => t.rootHash),
      input.claims.map((c) => c.commitment.receiptsRoot),
    );
    assert.deepEqual(
      input.pools.map((p) => [p.poolId, p.accounts.length]),
      [
        [poolId, 2],
        [IDLE_POOL, 1],
      ],
    );
    assert.equal(
      input.tickets.reduce((s, t) => s + t.receipts.length, 0),
      9,
    );
    assert.deepEqual(findProvableFaults(epoch, facts), []);
    // The same from an array of items (sync iterable), and with the fast keccak.
    const again = buildFraudEpoch(
      await buildFraudEpochInputFromBundle(await collect(e.bytes), e.post, await createFastKeccak256()),
    );
    assert.equal(again.dataHash, e.dataHash);
  });

  it("a receipt credited with another size than its leaf accounts for is a relayTotal fault whose path opens the bundle's tree", async () => {
    const e = epochBundle(3);
    const epoch = buildFraudEpoch(await buildFraudEpochInputFromBundle(readBundleItems(e.bytes), e.post));
    assert.equal(epoch.dataHash, e.dataHash, "the bundle explains the post it belongs to");
    assert.equal(epoch.claimTree!.root, e.claimRoot);
    const faults = findProvableFaults(epoch, facts);
    const f = faults.find((x) => x.kind === "relayTotal");
    assert.ok(f && f.kind === "relayTotal", JSON.stringify(faults.map((x) => x.kind)));
    const { claim, node, path } = f.proof;
    assert.ok(verifyMerkleProof(e.claimRoot, hashClaimLeaf(claim.leaf), claim.proof));
    assert.equal(hashEpochCommitment(claim.commitment), claim.leaf.epochCommitment);
    const folded = verifyPositionSumProof({
      index: Number(path!.index),
      leafHash: hashReceiptNode(node!),
      value: path!.value,
      siblings: path!.siblings,
    });
    assert.equal(folded.rootHash, claim.commitment.receiptsRoot);
    assert.equal(folded.rootSum, claim.commitment.epochBytes + 4096n);
  });

  it("a receipt's size edited in an honest bundle is found as relayTotal, and its tree no longer explains receiptsRoot", async () => {
    const e = epochBundle();
    const items = await collect(e.bytes);
    const at = items.findIndex((x) => x.type === "receipt");
    const r = items[at] as BundleItem & { type: "receipt" };
    const signed = { ...r.signed, receipt: { ...r.signed.receipt, size: r.signed.receipt.size + 1 } };
    const edited = items.map((x, k) => (k === at ? { ...r, signed } : x)) as BundleItem[];
    const epoch = buildFraudEpoch(await buildFraudEpochInputFromBundle(edited, e.post));
    const kinds = findProvableFaults(epoch, facts).map((f) => f.kind);
    assert.ok(kinds.includes("relayTotal"), kinds.join());
    // Written back, the bytes would not hash to the posted bundleHash, and the rebuilt relay tree is not the committed one: a
    // verifier compares roots before proving (such a bundle is the arbiter's case, its proofs would not verify).
    const leaf = epoch.claims.findIndex((c) => c.receipts.some((x) => x.node.receiptId === r.receiptId));
    assert.notEqual(epoch.relayTrees[leaf]!.rootHash, epoch.claims[leaf]!.commitment.receiptsRoot);
  });

  it("refuses a bundle that is not format 3 and placements that describe no tree", async () => {
    const e = epochBundle();
    const items = await collect(e.bytes);
    const w2 = createBundleRecordWriter(256);
    const Z = `0x${"00".repeat(32)}` as Hex;
    w2.header({
      chainId: 1n,
      distributor: `0x${"11".repeat(20)}`,
      epoch: 0n,
      genesisTime: 0n,
      epochSeconds: 60n,
      graceSeconds: 10n,
      previousBundleHash: Z,
      snapshotBlock: 1n,
      root: Z,
      poolCount: 0,
      ticketCount: 0,
      receiptCount: 0,
      leafCount: 0,
    });
    w2.end(0, 0);
    const v2 = new Uint8Array([...BUNDLE_V2_MAGIC, ...w2.take()]);
    await assert.rejects(buildFraudEpochInputFromBundle(readBundleItems(v2), e.post), refused("version"));
    const edit = (i: number, change: object) =>
      items.map((x, k) => (k === i ? { ...x, ...change } : x)) as BundleItem[];
    const receipts = items.flatMap((x, i) => (x.type === "receipt" ? [i] : []));
    const first = items[receipts[0]!] as BundleItem & { ticketRecord: number; ticketPosition: number };
    const twin = receipts.find((i) => {
      const r = items[i] as typeof first;
      return r !== first && r.ticketRecord === first.ticketRecord;
    })!;
    await assert.rejects(
      buildFraudEpochInputFromBundle(edit(twin, { ticketPosition: first.ticketPosition }), e.post),
      refused("ticketPosition"),
    );
    await assert.rejects(
      buildFraudEpochInputFromBundle(edit(receipts[0]!, { ticketPosition: 99 }), e.post),
      refused("ticketPosition"),
    );
    await assert.rejects(
      buildFraudEpochInputFromBundle(edit(receipts[0]!, { creditLeaf: 4 }), e.post),
      refused("creditLeaf"),
    );
    await assert.rejects(
      buildFraudEpochInputFromBundle(readBundleItems(e.bytes, { skipTicketsAndReceipts: true }), e.post),
      (err: unknown) => err instanceof ProtocolError && err.code === "INVALID_ARGUMENT",
    );
    // Credited explicitly to leaf 2 (the other relay): its relay receipts tree holds it, in file order.
    const moved = await buildFraudEpochInputFromBundle(edit(receipts[0]!, { creditLeaf: 2 }), e.post);
    const plain = await buildFraudEpochInputFromBundle(items, e.post);
    const id = (first as BundleItem & { receiptId: Hex }).receiptId;
    assert.ok(moved.claims[1]!.receipts.some((r) => r.node.receiptId === id));
    assert.ok(!moved.claims[0]!.receipts.some((r) => r.node.receiptId === id));
    assert.equal(
      moved.claims[0]!.receipts.length + moved.claims[1]!.receipts.length,
      plain.claims[0]!.receipts.length + plain.claims[1]!.receipts.length,
    );
  });

  it("holds 10^5 receipts in a bounded heap (measured)", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const receipts = 100_000;
    const ticketsN = receipts / 10;
    const relays = Array.from({ length: 1000 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, "0")}`);
    const pool = `0x${"a1".repeat(32)}` as Hex;
    const w = createBundleRecordWriter(1 << 24, { version: 3 });
    const Z = `0x${"00".repeat(32)}` as Hex;
    w.header({
      chainId: 1n,
      distributor: `0x${"11".repeat(20)}`,
      epoch: 1n,
      genesisTime: 0n,
      epochSeconds: 60n,
      graceSeconds: 10n,
      previousBundleHash: Z,
      snapshotBlock: 1n,
      root: Z,
      poolCount: 1,
      ticketCount: ticketsN,
      receiptCount: receipts,
      leafCount: relays.length,
      poolsRoot: Z,
      poolsCount: 1n,
      ticketsRoot: Z,
      ticketsCount: BigInt(ticketsN),
    });
    const zero = { pricePerGB: 1n, available: 1n, epochBytes: 1n, rawTotal: 1n, total: 1n };
    w.pool({ poolId: pool, ...zero, uncappedTotal: 1n, scaleBalance: 1n, leafCount: 1000n });
    const h64 = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
    const ticketHash = (t: number) => h64(t + 1);
    for (let t = 0; t < ticketsN; t++)
      w.ticket({
        ticketHash: ticketHash(t),
        poolId: pool,
        streamId: Z,
        viewer: relays[t % 1000]!,
        notBefore: "0",
        notAfter: "1",
        maxBytes: "1000000000000",
        signature: `0x${"5a".repeat(65)}`,
        bytesBefore: 0n,
        bytesIn: 655360n,
        count: 10n,
        prevEpoch: 1n,
      });
    for (let i = 0; i < receipts; i++)
      w.receipt({
        receiptId: h64(i + 1),
        poolId: pool,
        ticketHash: ticketHash(i % ticketsN),
        relay: relays[i % 1000]!,
        segment: String(Math.floor(i / ticketsN)),
        chunk: 0,
        chunkHash: h64(i % 5000),
        size: 65536,
        deliveredAt: String(1_767_225_600_000 + i),
        // Distinct signatures, as real ones are (a shared one would be one string).
        signature: `0x${(i + 1).toString(16).padStart(130, "7")}`,
        ticketPosition: Math.floor(i / ticketsN),
        creditLeaf: 0,
      });
    for (const relay of relays)
      w.leaf({
        account: relay as Address,
        poolId: pool,
        cumulativeAmount: 1n,
        epochBytes: 1n,
        baseAmount: 1n,
        epochAmount: 1n,
        bonusAmount: 0n,
        receiptsRoot: Z,
        receiptCount: 100n,
        prevCumulative: 0n,
      });
    w.end(receipts, relays.length);
    const body = w.take();
    const bytes = new Uint8Array(8 + body.length);
    bytes.set(BUNDLE_V3_MAGIC);
    bytes.set(body, 8);
    const keccak = await createFastKeccak256();
    gc();
    const before = process.memoryUsage().heapUsed;
    const input = await buildFraudEpochInputFromBundle(
      readBundleItems(bytes),
      {
        aggregator: AGGREGATOR,
        bundleHash: Z,
        posted: [],
      },
      keccak,
    );
    gc();
    const held = process.memoryUsage().heapUsed - before;
    assert.equal(
      input.claims.reduce((s, c) => s + c.receipts.length, 0),
      receipts,
    );
    assert.equal(input.tickets[7]!.receipts[9]!.receiptId, h64(9 * ticketsN + 7 + 1));
    const perReceipt = held / receipts;
    console.log(
      `buildFraudEpochInputFromBundle: ${(held / 2 ** 20).toFixed(1)} MiB for ${receipts} receipts (${perReceipt.toFixed(0)} B a receipt; bundle ${(bytes.length / 2 ** 20).toFixed(1)} MiB)`,
    );
    assert.ok(perReceipt < 1500, `${perReceipt.toFixed(0)} bytes a receipt`);
  });
});
