import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { RECEIPT_LEAF_TYPES, REWARD_LEAF_TYPES, ZERO_HASH } from "../../src/protocol/constants.ts";
import { ProtocolError } from "../../src/protocol/errors/ProtocolError.ts";
import { createFastKeccak256 } from "../../src/protocol/hash/createFastKeccak256.ts";
import { buildMerkleTree } from "../../src/protocol/tree/buildMerkleTree.ts";
import { buildReceiptsTree } from "../../src/protocol/tree/buildReceiptsTree.ts";
import { buildRewardTree } from "../../src/protocol/tree/buildRewardTree.ts";
import { getReceiptsRoot } from "../../src/protocol/tree/getReceiptsRoot.ts";
import { hashReceiptLeaf } from "../../src/protocol/tree/hashReceiptLeaf.ts";
import { hashRewardLeaf } from "../../src/protocol/tree/hashRewardLeaf.ts";
import { rewardLeafToValues } from "../../src/protocol/tree/rewardLeafToValues.ts";
import { verifyMerkleProof } from "../../src/protocol/tree/verifyMerkleProof.ts";
import type { Hex, RewardLeaf } from "../../src/protocol/types.ts";
import { rng, toBig, toHexStr } from "./fixtures.ts";

const r = rng(42);
const randomLeaf = (): RewardLeaf => ({
  account: toHexStr(r(20)),
  poolId: toHexStr(r(32)),
  cumulativeAmount: toBig(r(32)),
  epochBytes: toBig(r(6)),
  epochAmount: toBig(r(12)),
  receiptsRoot: r(1)[0]! % 2 ? ZERO_HASH : toHexStr(r(32)),
});
const invalid = (e: unknown) => e instanceof ProtocolError && e.code === "INVALID_ARGUMENT";

describe("reward tree matches StandardMerkleTree exactly", async () => {
  const fast = await createFastKeccak256();
  const sizes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 16, 17, 31, 32, 33, 64, 100, 127, 128, 129, 255, 256, 257, 500];
  for (const n of sizes)
    it(`${n} leaves: same root, leaf hashes and every proof`, () => {
      const leaves = Array.from({ length: n }, randomLeaf);
      const values = leaves.map(rewardLeafToValues);
      const oz = StandardMerkleTree.of(values, [...REWARD_LEAF_TYPES]);
      const ours = buildRewardTree(leaves, n % 2 ? fast : undefined);
      assert.equal(ours.root, oz.root);
      assert.equal(ours.length, n);
      assert.equal(ours.nodes.length, (2 * n - 1) * 32);
      for (let i = 0; i < n; i++) {
        assert.deepEqual(ours.getProof(i), oz.getProof(i));
        assert.equal(ours.leafHash(i), oz.leafHash(values[i]!));
        assert.equal(hashRewardLeaf(leaves[i]!), oz.leafHash(values[i]!));
        assert.equal(ours.treeIndex[i], oz.dump().values[i]!.treeIndex);
      }
    });
  it("duplicate leaves and equal hash prefixes keep StandardMerkleTree's stable order", () => {
    const base = Array.from({ length: 6 }, randomLeaf);
    const leaves = [...base, base[2]!, base[0]!, base[2]!];
    const oz = StandardMerkleTree.of(leaves.map(rewardLeafToValues), [...REWARD_LEAF_TYPES]);
    const ours = buildRewardTree(leaves);
    assert.equal(ours.root, oz.root);
    for (let i = 0; i < leaves.length; i++) assert.deepEqual(ours.getProof(i), oz.getProof(i));
  });
  it("buildMerkleTree sorts leaves whose first 8 bytes collide by the full hash", () => {
    const n = 40;
    const leaves = new Uint8Array(n * 32);
    for (let i = 0; i < n; i++) {
      leaves.set(r(32), i * 32);
      leaves.fill(0xee, i * 32, i * 32 + 10); // same 10-byte prefix everywhere
    }
    const hex = Array.from({ length: n }, (_, i) => toHexStr(leaves.subarray(i * 32, i * 32 + 32)));
    const tree = buildMerkleTree(leaves);
    const sorted = [...hex].sort();
    for (let j = 0; j < n; j++) {
      const t = 2 * n - 2 - j;
      assert.equal(toHexStr(tree.nodes.subarray(t * 32, t * 32 + 32)), sorted[j]);
    }
  });
  it("proofs verify with verifyMerkleProof and fail for another leaf", () => {
    const leaves = Array.from({ length: 13 }, randomLeaf);
    const tree = buildRewardTree(leaves);
    for (let i = 0; i < 13; i++) assert.ok(verifyMerkleProof(tree.root, hashRewardLeaf(leaves[i]!), tree.getProof(i)));
    assert.ok(!verifyMerkleProof(tree.root, hashRewardLeaf(leaves[0]!), tree.getProof(1)));
    assert.ok(
      StandardMerkleTree.verify(tree.root, [...REWARD_LEAF_TYPES], rewardLeafToValues(leaves[4]!), tree.getProof(4)),
    );
  });
  it("names the leaf and field of an invalid reward leaf", () => {
    const leaves = [randomLeaf(), { ...randomLeaf(), epochAmount: -1n }];
    assert.throws(
      () => buildRewardTree(leaves),
      (e: unknown) => invalid(e) && (e as ProtocolError).field === "leaves[1].epochAmount",
    );
  });
  it("refuses empty input and out-of-range indices", () => {
    assert.throws(() => buildMerkleTree(new Uint8Array(0)), invalid);
    assert.throws(() => buildMerkleTree(new Uint8Array(33)), invalid);
    const tree = buildRewardTree([randomLeaf()]);
    assert.deepEqual(tree.getProof(0), []);
    assert.throws(() => tree.getProof(1), invalid);
    assert.throws(() => tree.leafHash(-1), invalid);
  });
});

describe("receipts tree", () => {
  const ids = (n: number) => Array.from({ length: n }, () => toHexStr(r(32)));
  for (const n of [1, 2, 3, 8, 13, 64])
    it(`${n} receipts: StandardMerkleTree(["bytes32"]) root and proofs`, () => {
      const receiptIds = ids(n);
      const oz = StandardMerkleTree.of(
        receiptIds.map((id) => [id]),
        [...RECEIPT_LEAF_TYPES],
      );
      const ours = buildReceiptsTree(receiptIds);
      assert.equal(ours.root, oz.root);
      assert.equal(getReceiptsRoot(receiptIds), oz.root);
      for (let i = 0; i < n; i++) {
        assert.deepEqual(ours.getProof(i), oz.getProof(i));
        assert.equal(hashReceiptLeaf(receiptIds[i]!), oz.leafHash([receiptIds[i]!]));
        assert.ok(verifyMerkleProof(ours.root, hashReceiptLeaf(receiptIds[i]!), ours.getProof(i)));
      }
    });
  it("the root depends only on the set, not the order", () => {
    const receiptIds = ids(9);
    assert.equal(getReceiptsRoot([...receiptIds].reverse()), getReceiptsRoot(receiptIds));
    assert.equal(getReceiptsRoot([...receiptIds].sort()), getReceiptsRoot(receiptIds));
  });
  it("an empty set's root is bytes32(0); buildReceiptsTree refuses it", () => {
    assert.equal(getReceiptsRoot([]), ZERO_HASH);
    assert.throws(() => buildReceiptsTree([]), invalid);
  });
  it("refuses a repeated receiptId (case-insensitive)", () => {
    const [a] = ids(1) as [Hex];
    assert.throws(
      () => buildReceiptsTree([a, a.toUpperCase().replace("0X", "0x") as Hex]),
      (e: unknown) => invalid(e) && (e as ProtocolError).field === "receiptIds[1]",
    );
  });
});
