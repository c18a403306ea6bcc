// Checks src/protocol/commitments against test/vectors/commitments.json (written independently with viem and
// @openzeppelin/merkle-tree by scripts/vectors/generateCommitmentVectors.ts).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { buildClaimTree } from "../../../src/protocol/commitments/buildClaimTree.ts";
import { buildPoolAccountsTree } from "../../../src/protocol/commitments/buildPoolAccountsTree.ts";
import { buildPoolsTree } from "../../../src/protocol/commitments/buildPoolsTree.ts";
import { buildRelayReceiptsTree } from "../../../src/protocol/commitments/buildRelayReceiptsTree.ts";
import { buildTicketReceiptsTree } from "../../../src/protocol/commitments/buildTicketReceiptsTree.ts";
import { buildTicketsTree } from "../../../src/protocol/commitments/buildTicketsTree.ts";
import { hashClaimLeaf } from "../../../src/protocol/commitments/hashClaimLeaf.ts";
import { hashEpochCommitment } from "../../../src/protocol/commitments/hashEpochCommitment.ts";
import { hashEpochDataV2 } from "../../../src/protocol/commitments/hashEpochDataV2.ts";
import { hashPoolAccountNode } from "../../../src/protocol/commitments/hashPoolAccountNode.ts";
import { hashPoolNode } from "../../../src/protocol/commitments/hashPoolNode.ts";
import { hashPostedPoolTotals } from "../../../src/protocol/commitments/hashPostedPoolTotals.ts";
import { hashReceiptNode } from "../../../src/protocol/commitments/hashReceiptNode.ts";
import { hashSignature } from "../../../src/protocol/commitments/hashSignature.ts";
import { hashTicketNode } from "../../../src/protocol/commitments/hashTicketNode.ts";
import { hashTicketReceiptNode } from "../../../src/protocol/commitments/hashTicketReceiptNode.ts";
import type {
  EpochCommitmentPreimage,
  PoolNode,
  ReceiptNode,
  TicketNode,
  TicketReceiptNode,
} from "../../../src/protocol/commitments/types.ts";
import type { Hex } from "../../../src/protocol/types.ts";

/** JSON of the vector file, converted field by field below. */
type Json = any;
const v: Json = JSON.parse(readFileSync(new URL("../../vectors/commitments.json", import.meta.url), "utf8"));
const receiptOf = (r: Json): ReceiptNode => ({
  receiptId: r.receiptId,
  ticketHash: r.ticketHash,
  segment: BigInt(r.segment),
  chunk: r.chunk,
  size: r.size,
  deliveredAt: BigInt(r.deliveredAt),
  signatureHash: r.signatureHash,
});
const commitmentOf = (c: Json): EpochCommitmentPreimage => ({
  epochBytes: BigInt(c.epochBytes),
  baseAmount: BigInt(c.baseAmount),
  epochAmount: BigInt(c.epochAmount),
  bonusAmount: BigInt(c.bonusAmount),
  receiptsRoot: c.receiptsRoot,
  receiptCount: BigInt(c.receiptCount),
  prevCumulative: BigInt(c.prevCumulative),
});
const claimOf = (c: Json) => ({
  account: c.account as Hex,
  poolId: c.poolId as Hex,
  cumulativeAmount: BigInt(c.cumulativeAmount),
  epochCommitment: c.epochCommitment as Hex,
});
const poolOf = (p: Json): PoolNode => ({
  poolId: p.poolId,
  total: BigInt(p.total),
  uncappedTotal: BigInt(p.uncappedTotal),
  scaleBalance: BigInt(p.scaleBalance),
  leavesRoot: p.leavesRoot,
  leafCount: BigInt(p.leafCount),
});
const ticketOf = (t: Json): TicketNode => ({
  ticketHash: t.ticketHash,
  ticketSignatureHash: t.ticketSignatureHash,
  bytesBefore: BigInt(t.bytesBefore),
  bytesIn: BigInt(t.bytesIn),
  receiptsOfTicketRoot: t.receiptsOfTicketRoot,
  count: BigInt(t.count),
  prevEpoch: BigInt(t.prevEpoch),
});
const ticketReceiptOf = (r: Json): TicketReceiptNode => ({
  segment: BigInt(r.segment),
  chunk: r.chunk,
  relay: r.relay,
  receiptId: r.receiptId,
  size: r.size,
});
const commitmentTree = (t: { rootHash: Hex; rootSum: bigint; length: number; depth: number }) => [
  t.rootHash,
  t.rootSum.toString(),
  t.length,
  t.depth,
];
const vectorTree = (t: Json) => [t.rootHash, t.rootSum, t.length, t.depth];

describe("commitment vectors (v2)", () => {
  it("signatureHash is keccak256 of the signature bytes, 65 or 64 of them", () => {
    for (const s of v.signatures) assert.equal(hashSignature(s.signature), s.hash);
    assert.deepEqual(
      v.signatures.map((s: Json) => (s.signature.length - 2) / 2),
      [65, 64],
    );
  });

  it("receipt nodes, epoch commitments and claim leaves hash as the vectors, maximum widths included", () => {
    for (const r of v.receiptNodes) assert.equal(hashReceiptNode(receiptOf(r)), r.hash);
    for (const c of v.epochCommitments) assert.equal(hashEpochCommitment(commitmentOf(c)), c.hash);
    for (const c of v.claimLeaves) assert.equal(hashClaimLeaf(claimOf(c)), c.hash);
  });

  it("the epoch's relay receipts trees give each leaf's receiptsRoot, epochBytes and receiptCount", () => {
    const receipts = v.epoch.receipts as Json[];
    for (const claim of v.epoch.claims) {
      const mine = receipts.filter((r) => r.poolId === claim.poolId && r.relay === claim.account);
      // Given in epoch order, not receiptId order: the builder sorts.
      const tree = buildRelayReceiptsTree(mine.map(receiptOf));
      assert.deepEqual(commitmentTree(tree), vectorTree(claim.relayTree));
      assert.equal(tree.rootHash, claim.commitment.receiptsRoot);
      assert.equal(tree.rootSum, BigInt(claim.commitment.epochBytes));
      assert.equal(hashEpochCommitment(commitmentOf(claim.commitment)), claim.epochCommitment);
      assert.equal(hashClaimLeaf(claimOf(claim)), claim.leafHash);
    }
  });

  it("the claim tree has OpenZeppelin's root and proofs", () => {
    const tree = buildClaimTree(v.epoch.claims.map(claimOf));
    assert.equal(tree.root, v.epoch.claimRoot);
    v.epoch.claims.forEach((c: Json, i: number) => assert.deepEqual(tree.getProof(i), c.proof));
  });

  it("each pool's accounts tree gives its leavesRoot and total, and the pools tree its root", () => {
    const entries = v.epoch.pools.map((p: Json) => {
      const accounts = [...p.accounts].reverse().map((a: Json) => ({
        account: a.account,
        cumulativeAmount: BigInt(a.cumulativeAmount),
        epochCommitment: a.epochCommitment,
        baseAmount: BigInt(a.baseAmount),
        amount: BigInt(a.amount),
      }));
      for (const [i, a] of accounts.entries()) assert.equal(hashPoolAccountNode(a), [...p.accounts].reverse()[i].hash);
      const tree = buildPoolAccountsTree(accounts);
      assert.deepEqual(commitmentTree(tree), vectorTree(p.leavesTree));
      assert.equal(tree.rootHash, p.leavesRoot);
      assert.equal(tree.rootSum, (BigInt(p.uncappedTotal) << 128n) | BigInt(p.total));
      assert.equal(hashPoolNode(poolOf(p)), p.hash);
      return { key: p.poolId, hash: p.hash, value: BigInt(p.total) };
    });
    assert.deepEqual(commitmentTree(buildPoolsTree(entries.reverse())), vectorTree(v.epoch.poolsTree));
  });

  it("each ticket's receipts tree gives its receiptsOfTicketRoot, bytesIn and count, and the tickets tree its root", () => {
    const entries = v.epoch.tickets.map((t: Json) => {
      for (const r of t.receipts) assert.equal(hashTicketReceiptNode(ticketReceiptOf(r)), r.hash);
      const tree = buildTicketReceiptsTree([...t.receipts].reverse().map(ticketReceiptOf));
      assert.deepEqual(commitmentTree(tree), vectorTree(t.receiptsTree));
      assert.equal(tree.rootHash, t.receiptsOfTicketRoot);
      assert.equal(hashTicketNode(ticketOf(t)), t.hash);
      return { key: t.ticketHash, hash: t.hash, value: BigInt(t.bytesIn) };
    });
    assert.deepEqual(commitmentTree(buildTicketsTree(entries.reverse())), vectorTree(v.epoch.ticketsTree));
    assert.ok(v.epoch.tickets.some((t: Json) => BigInt(t.prevEpoch) === BigInt(v.epochNumber)));
  });

  it("the posted totals and the epoch data hash as the vectors (dataHash v2)", () => {
    const posted = v.epoch.posted.map((p: Json) => ({
      poolId: p.poolId,
      total: BigInt(p.total),
      uncappedTotal: BigInt(p.uncappedTotal),
      scaleBalance: BigInt(p.scaleBalance),
    }));
    assert.equal(hashPostedPoolTotals(posted), v.epoch.data.poolTotalsHash);
    const d = v.epoch.data;
    const data = { ...d, poolsCount: BigInt(d.poolsCount), ticketsCount: BigInt(d.ticketsCount) };
    assert.equal(hashEpochDataV2(data), v.epoch.dataHash);
    assert.equal(d.poolsRoot, v.epoch.poolsTree.rootHash);
    assert.equal(d.ticketsRoot, v.epoch.ticketsTree.rootHash);
  });
});
