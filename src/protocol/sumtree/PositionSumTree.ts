import type { Hex } from "../types.ts";

/**
 * A node of a position-bound sum tree (docs/fraud-proofs.md, "Building blocks"): `hash` and `sum` (uint256, in the
 * unit of the tree's values: bytes for receipts and tickets trees, token base units for pools and leaves trees).
 * A leaf node is `(keccak256(abi.encode(leafFields)), value)`; the empty node is `(0x00…00, 0)`.
 */
export type PositionSumNode = { readonly hash: Hex; readonly sum: bigint };

/** What a tree is committed as: `(rootHash, rootSum, n)`, `length` being `n`, the number of leaves. */
export type PositionSumCommitment = { readonly rootHash: Hex; readonly rootSum: bigint; readonly length: number };

/**
 * A position-bound sum tree over `length` leaves in their given order, padded to `2^depth` with empty nodes. Inner
 * node: `hash = keccak256(abi.encode(lHash, lSum, rHash, rSum))`, `sum = lSum + rSum`.
 */
export type PositionSumTree = PositionSumCommitment & {
  /** Levels between a leaf and the root: the length of every proof; 0 for 0 or 1 leaf. */
  readonly depth: number;
  /**
   * Every stored node, 64 bytes each (`abi.encode(bytes32 hash, uint256 sum)`), level by level from the leaves up.
   * Level k holds its `ceil(length / 2^k)` nodes, plus the empty subtree of that level when that count is odd
   * (below the root), so that every node has its sibling stored; the rest of the padding is never stored. The root
   * is the last node. 0 leaves: one empty node, which is the root.
   */
  readonly nodes: Uint8Array;
  /** Index (in nodes, not bytes) of the first node of level k, k = 0..depth. */
  readonly levelStarts: readonly number[];
};

/** A proof of the leaf at `index` (0-based): the leaf node and its siblings bottom-up; bit k of index = 1 when the
 * sibling at level k is on the left. */
export type PositionSumProof = {
  readonly index: number;
  readonly leafHash: Hex;
  /** The leaf's value (uint256). */
  readonly value: bigint;
  readonly siblings: readonly PositionSumNode[];
};

/** What a proof folds to: the root it proves and the sum of the values left of its leaf. */
export type PositionSumProofResult = {
  readonly rootHash: Hex;
  /** uint256: the sum of every value in the tree. */
  readonly rootSum: bigint;
  /** uint256: the sum of the left siblings along the path, which is the sum of the values at indices < index. */
  readonly prefixSum: bigint;
};
