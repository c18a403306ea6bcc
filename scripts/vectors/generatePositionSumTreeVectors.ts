// Regenerates test/vectors/positionSumTree.json and contracts/test/PositionSumTreeVectors.sol: position-bound sum
// trees (docs/fraud-proofs.md, "Building blocks") written out plainly here with viem's ABI encoding and keccak256,
// every padding leaf present, NOT from src/protocol. test/protocol/sumtree/positionSumTreeVectors.test.ts checks the
// TypeScript library and contracts/test/PositionSumTreeVectors.t.sol the Solidity library against them.
// Run: node scripts/vectors/generatePositionSumTreeVectors.ts
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { encodeAbiParameters, type Hex, keccak256, toHex } from "viem";

type Node = { hash: Hex; sum: bigint };
const ZERO: Hex = `0x${"00".repeat(32)}`;
const MAX = (1n << 256n) - 1n;

const encodeNode = (l: Node, r: Node) =>
  encodeAbiParameters(
    [{ type: "bytes32" }, { type: "uint256" }, { type: "bytes32" }, { type: "uint256" }],
    [l.hash, l.sum, r.hash, r.sum],
  );

/** Every level of the tree, leaves first, padded with (0, 0) to a power of two. */
function levelsOf(leaves: Node[]): Node[][] {
  let width = 1;
  while (width < leaves.length) width *= 2;
  const levels: Node[][] = [
    Array.from({ length: width }, (_, i) => (i < leaves.length ? leaves[i]! : { hash: ZERO, sum: 0n })),
  ];
  while (levels.at(-1)!.length > 1) {
    const below = levels.at(-1)!;
    const level: Node[] = [];
    for (let j = 0; j < below.length; j += 2) {
      const [l, r] = [below[j]!, below[j + 1]!];
      if (l.sum + r.sum > MAX) throw new Error("vector sums must fit uint256");
      level.push({ hash: keccak256(encodeNode(l, r)), sum: l.sum + r.sum });
    }
    levels.push(level);
  }
  return levels;
}

// Leaf fields of the vectors: (bytes32 key, uint256 value); leaf node = (keccak256(abi.encode(key, value)), value).
const leafOf = (tree: string, i: number, value: bigint) => {
  const key = keccak256(toHex(`meshpay pst vector ${tree} ${i}`));
  return {
    key,
    value,
    hash: keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "uint256" }], [key, value])),
  };
};

const sizes = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) =>
    ((i + 1) * 2_654_435_761 + seed) % 4 === 0 ? 0n : BigInt(((i + 7) * 40_503 * (seed + 1)) % 4_294_967_296),
  );
const specs: { name: string; values: bigint[] }[] = [
  { name: "empty", values: [] },
  { name: "one", values: [1_048_576n] },
  { name: "two", values: [1_000_000n, 999_999n] },
  { name: "three", values: [5n, 0n, 7n] },
  { name: "five", values: sizes(5, 1) },
  { name: "eight", values: sizes(8, 2) },
  { name: "allZero", values: [0n, 0n, 0n, 0n] },
  { name: "seventeen", values: sizes(17, 3) },
  // Amounts near the top of uint256: sums carry across every 32-bit word and end just below 2^256.
  { name: "large", values: [(1n << 255n) - 1n, (1n << 254n) + 0xffff_ffffn, (1n << 254n) - 0xffff_ffffn - 1n] },
];

const trees = specs.map(({ name, values }) => {
  const leaves = values.map((v, i) => leafOf(name, i, v));
  const levels = levelsOf(leaves.map((l) => ({ hash: l.hash, sum: l.value })));
  const root = levels.at(-1)![0]!;
  const depth = levels.length - 1;
  const width = 2 ** depth;
  // Every position up to 2^depth: real leaves, then padding slots (computeRoot accepts those; verify refuses them).
  const proofs = Array.from({ length: leaves.length === 0 ? 0 : width }, (_, index) => {
    const leaf = levels[0]![index]!;
    return {
      index,
      leafHash: leaf.hash,
      value: leaf.sum,
      prefixSum: levels[0]!.slice(0, index).reduce((a, b) => a + b.sum, 0n),
      siblings: levels.slice(0, -1).map((level, k) => level[Math.floor(index / 2 ** k) ^ 1]!),
      padding: index >= leaves.length,
    };
  });
  return { name, length: leaves.length, depth, rootHash: root.hash, rootSum: root.sum, leaves, proofs };
});

const json = {
  description:
    "Position-bound sum trees (docs/fraud-proofs.md): inner node (keccak256(abi.encode(lHash, lSum, rHash, rSum)), " +
    "lSum + rSum), padded with (0x00..00, 0) to 2^depth; leaf node here (keccak256(abi.encode(bytes32 key, " +
    "uint256 value)), value). Proofs: siblings bottom-up, bit k of index = sibling k on the left; prefixSum = sum " +
    "of the values at indices < index. Proofs with padding: true are of padding slots (index >= length).",
  trees,
};
writeFileSync(
  resolve(import.meta.dirname, "../../test/vectors/positionSumTree.json"),
  `${JSON.stringify(json, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`,
);

// The Solidity fixture: every proof as one ABI-encoded ProofVector[] that the test decodes.
const proofVector = {
  type: "tuple[]",
  components: [
    { name: "rootHash", type: "bytes32" },
    { name: "rootSum", type: "uint256" },
    { name: "length", type: "uint256" },
    { name: "leafHash", type: "bytes32" },
    { name: "value", type: "uint256" },
    { name: "index", type: "uint256" },
    { name: "prefixSum", type: "uint256" },
    {
      name: "proof",
      type: "tuple[]",
      components: [
        { name: "hash", type: "bytes32" },
        { name: "sum", type: "uint256" },
      ],
    },
  ],
} as const;
const encoded = encodeAbiParameters(
  [proofVector],
  [
    trees.flatMap((t) =>
      t.proofs.map((p) => ({
        rootHash: t.rootHash,
        rootSum: t.rootSum,
        length: BigInt(t.length),
        leafHash: p.leafHash,
        value: p.value,
        index: BigInt(p.index),
        prefixSum: p.prefixSum,
        proof: p.siblings,
      })),
    ),
  ],
);
const lines = encoded.slice(2).match(/.{1,96}/g)!;
writeFileSync(
  resolve(import.meta.dirname, "../../contracts/test/PositionSumTreeVectors.sol"),
  `// SPDX-License-Identifier: MIT
// Generated by scripts/vectors/generatePositionSumTreeVectors.ts from the same trees as
// test/vectors/positionSumTree.json. Do not edit.
pragma solidity ^0.8.28;

import {PositionSumTree} from "../libraries/PositionSumTree.sol";

/// @notice One proof of test/vectors/positionSumTree.json, with its tree's commitment. Padding slots have
/// index >= length.
struct PositionSumTreeProofVector {
    bytes32 rootHash;
    uint256 rootSum;
    uint256 length;
    bytes32 leafHash;
    uint256 value;
    uint256 index;
    uint256 prefixSum;
    PositionSumTree.Node[] proof;
}

library PositionSumTreeVectors {
    /// @dev ${trees.length} trees (${trees.map((t) => t.length).join(", ")} leaves), every position up to 2^depth.
    function proofs() internal pure returns (PositionSumTreeProofVector[] memory) {
        return abi.decode(
            hex"${lines.join('"\n            hex"')}",
            (PositionSumTreeProofVector[])
        );
    }
}
`,
);
console.log(
  `wrote test/vectors/positionSumTree.json and contracts/test/PositionSumTreeVectors.sol (${trees.reduce((a, t) => a + t.proofs.length, 0)} proofs)`,
);
