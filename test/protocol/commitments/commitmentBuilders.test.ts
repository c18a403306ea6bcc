import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildPoolAccountsTree } from "../../../src/protocol/commitments/buildPoolAccountsTree.ts";
import { buildPoolsTree } from "../../../src/protocol/commitments/buildPoolsTree.ts";
import { buildRelayReceiptsTree } from "../../../src/protocol/commitments/buildRelayReceiptsTree.ts";
import { buildTicketReceiptsTree } from "../../../src/protocol/commitments/buildTicketReceiptsTree.ts";
import { createRelayReceiptsTreeBuilder } from "../../../src/protocol/commitments/createRelayReceiptsTreeBuilder.ts";
import { findKeyedLeafIndex } from "../../../src/protocol/commitments/findKeyedLeafIndex.ts";
import { hashReceiptNode } from "../../../src/protocol/commitments/hashReceiptNode.ts";
import type { ReceiptNode } from "../../../src/protocol/commitments/types.ts";
import { ProtocolError } from "../../../src/protocol/errors/ProtocolError.ts";
import { keccak256 } from "../../../src/protocol/hash/keccak256.ts";
import { getPositionSumProof } from "../../../src/protocol/sumtree/getPositionSumProof.ts";
import { verifyPositionSumProof } from "../../../src/protocol/sumtree/verifyPositionSumProof.ts";
import type { Hex } from "../../../src/protocol/types.ts";
import { bytesToHex } from "../../../src/protocol/utils/bytes.ts";

const word = (label: string): Hex => bytesToHex(keccak256(new TextEncoder().encode(label)));
const receipt = (i: number): ReceiptNode => ({
  receiptId: word(`r${i}`),
  ticketHash: word(`t${i % 3}`),
  segment: BigInt(i),
  chunk: i % 4,
  size: 1000 + i,
  deliveredAt: 1_000_000n + BigInt(i),
  signatureHash: word(`s${i}`),
});
const invalid = (field: string) => (err: unknown) =>
  err instanceof ProtocolError && err.code === "INVALID_ARGUMENT" && err.field === field;

describe("relay receipts tree", () => {
  const receipts = Array.from({ length: 37 }, (_, i) => receipt(i));
  const sorted = [...receipts].sort((a, b) => (a.receiptId < b.receiptId ? -1 : 1));

  it("built one receipt at a time in receiptId order equals the tree built from the unsorted list", () => {
    const builder = createRelayReceiptsTreeBuilder();
    for (const r of sorted) builder.add(r);
    assert.equal(builder.length, 37);
    const streamed = builder.finish();
    const whole = buildRelayReceiptsTree(receipts);
    assert.deepEqual(
      [streamed.rootHash, streamed.rootSum, streamed.length],
      [whole.rootHash, whole.rootSum, whole.length],
    );
    assert.equal(
      streamed.rootSum,
      receipts.reduce((s, r) => s + BigInt(r.size), 0n),
    );
    const proof = getPositionSumProof(streamed, 5);
    assert.equal(proof.leafHash, hashReceiptNode(sorted[5]!));
    assert.equal(bytesToHex(streamed.receiptIds, 5 * 32, 6 * 32), sorted[5]!.receiptId);
    assert.equal(verifyPositionSumProof(proof).rootHash, streamed.rootHash);
  });

  it("refuses a receipt below the previous receiptId, and adding after finish", () => {
    const builder = createRelayReceiptsTreeBuilder();
    builder.add(sorted[1]!);
    assert.throws(() => builder.add(sorted[0]!), invalid("receipt.receiptId"));
    builder.finish();
    assert.throws(() => builder.add(sorted[2]!), ProtocolError);
  });

  it("keeps an equal receiptId twice (a duplicate the proofs show) and refuses fields out of their width", () => {
    const twice = buildRelayReceiptsTree([sorted[0]!, sorted[0]!]);
    assert.equal(twice.length, 2);
    assert.throws(() => buildRelayReceiptsTree([{ ...receipt(1), segment: 1n << 64n }]), invalid("receipt.segment"));
    assert.throws(() => buildRelayReceiptsTree([{ ...receipt(1), size: 2 ** 32 }]), invalid("receipt.size"));
    assert.throws(() => buildRelayReceiptsTree([{ ...receipt(1), chunk: -1 }]), invalid("receipt.chunk"));
  });

  it("of no receipts is the empty node", () => {
    const empty = buildRelayReceiptsTree([]);
    assert.deepEqual([empty.rootHash, empty.rootSum, empty.length], [`0x${"00".repeat(32)}`, 0n, 0]);
  });
});

describe("keyed trees", () => {
  const pools = ["c", "a", "b"].map((k) => ({ key: word(`pool ${k}`), hash: word(`hash ${k}`), value: 5n }));

  it("sort by key, and findKeyedLeafIndex finds a key or the position that proves its absence", () => {
    const tree = buildPoolsTree(pools);
    const keys = pools.map((p) => p.key).sort();
    for (const [i, key] of keys.entries()) assert.deepEqual(findKeyedLeafIndex(tree, key), { found: true, index: i });
    assert.deepEqual(findKeyedLeafIndex(tree, `0x${"00".repeat(32)}`), { found: false, index: 0 });
    assert.deepEqual(findKeyedLeafIndex(tree, `0x${"ff".repeat(32)}`), { found: false, index: 3 });
    assert.equal(tree.rootSum, 15n);
  });

  it("refuse a key listed twice", () => {
    assert.throws(() => buildPoolsTree([pools[0]!, pools[0]!]), invalid("entries[1].key"));
    const account = {
      account: `0x${"11".repeat(20)}` as Hex,
      cumulativeAmount: 1n,
      epochCommitment: word("c"),
      baseAmount: 1n,
      amount: 1n,
    };
    assert.throws(() => buildPoolAccountsTree([account, account]), invalid("entries[1].key"));
  });

  it("a ticket's receipts tree keeps equal (segment, chunk) keys next to each other", () => {
    const relay = `0x${"22".repeat(20)}` as Hex;
    const at = (segment: bigint, chunk: number, id: string) => ({
      segment,
      chunk,
      relay,
      receiptId: word(id),
      size: 10,
    });
    const tree = buildTicketReceiptsTree([at(2n, 0, "x"), at(1n, 1, "y"), at(1n, 0, "z"), at(1n, 1, "w")]);
    assert.deepEqual(
      tree.receipts.map((r) => [r.segment, r.chunk]),
      [
        [1n, 0],
        [1n, 1],
        [1n, 1],
        [2n, 0],
      ],
    );
    assert.equal(tree.rootSum, 40n);
    assert.throws(() => buildTicketReceiptsTree([{ ...at(1n, 0, "x"), size: -1 }]), invalid("receipt.size"));
  });
});
