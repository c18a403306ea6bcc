// Checks the library reproduces test/vectors/positionSumTree.json (trees written out independently with viem by
// scripts/vectors/generatePositionSumTreeVectors.ts); contracts/test/PositionSumTreeVectors.t.sol checks the same
// trees in Solidity.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { keccak256 } from "../../../src/protocol/hash/keccak256.ts";
import { arePositionSumProofsAdjacent } from "../../../src/protocol/sumtree/arePositionSumProofsAdjacent.ts";
import { buildPositionSumTree } from "../../../src/protocol/sumtree/buildPositionSumTree.ts";
import { getPositionSumProof } from "../../../src/protocol/sumtree/getPositionSumProof.ts";
import type { PositionSumProof } from "../../../src/protocol/sumtree/PositionSumTree.ts";
import { verifyPositionSumProof } from "../../../src/protocol/sumtree/verifyPositionSumProof.ts";
import type { Hex } from "../../../src/protocol/types.ts";

type VectorNode = { hash: Hex; sum: string };
type VectorProof = {
  index: number;
  leafHash: Hex;
  value: string;
  prefixSum: string;
  siblings: VectorNode[];
  padding: boolean;
};
type VectorTree = {
  name: string;
  length: number;
  depth: number;
  rootHash: Hex;
  rootSum: string;
  leaves: { key: Hex; value: string; hash: Hex }[];
  proofs: VectorProof[];
};
const { trees } = JSON.parse(readFileSync(new URL("../../vectors/positionSumTree.json", import.meta.url), "utf8")) as {
  trees: VectorTree[];
};
const bytes = (h: string) => Uint8Array.from(Buffer.from(h.slice(2), "hex"));
const proofOf = (p: VectorProof): PositionSumProof => ({
  index: p.index,
  leafHash: p.leafHash,
  value: BigInt(p.value),
  siblings: p.siblings.map((s) => ({ hash: s.hash, sum: BigInt(s.sum) })),
});

describe("position-bound sum tree vectors", () => {
  it("cover the empty tree, one leaf, padding, all-zero values, depth 5 and sums just below 2^256", () => {
    assert.deepEqual(
      trees.map((t) => t.length),
      [0, 1, 2, 3, 5, 8, 4, 17, 3],
    );
    assert.ok(trees.some((t) => BigInt(t.rootSum) > 1n << 255n));
    assert.ok(trees.some((t) => t.proofs.some((p) => p.padding)));
  });
  for (const t of trees)
    it(`${t.name} (${t.length} leaves): same root, same proofs, same prefix sums`, () => {
      const hashes = new Uint8Array(t.length * 32);
      for (const [i, leaf] of t.leaves.entries()) {
        const fields = new Uint8Array(64);
        fields.set(bytes(leaf.key), 0);
        fields.set(bytes(`0x${BigInt(leaf.value).toString(16).padStart(64, "0")}`), 32);
        assert.equal(`0x${Buffer.from(keccak256(fields)).toString("hex")}`, leaf.hash, `leaf ${i} hash`);
        hashes.set(bytes(leaf.hash), i * 32);
      }
      const tree = buildPositionSumTree(
        hashes,
        t.leaves.map((l) => BigInt(l.value)),
      );
      assert.deepEqual(
        [tree.rootHash, tree.rootSum, tree.length, tree.depth],
        [t.rootHash, BigInt(t.rootSum), t.length, t.depth],
      );
      for (const p of t.proofs) {
        const proof = proofOf(p);
        if (!p.padding) assert.deepEqual(getPositionSumProof(tree, p.index), proof, `proof ${p.index}`);
        assert.deepEqual(
          verifyPositionSumProof(proof),
          { rootHash: t.rootHash, rootSum: BigInt(t.rootSum), prefixSum: BigInt(p.prefixSum) },
          `verify ${p.index}`,
        );
      }
      const real = t.proofs.filter((p) => !p.padding).map(proofOf);
      for (let i = 0; i + 1 < real.length; i++) assert.ok(arePositionSumProofsAdjacent(tree, real[i]!, real[i + 1]!));
      const firstPadding = t.proofs.find((p) => p.padding);
      if (firstPadding) assert.equal(arePositionSumProofsAdjacent(tree, real.at(-1)!, proofOf(firstPadding)), false);
    });
});
