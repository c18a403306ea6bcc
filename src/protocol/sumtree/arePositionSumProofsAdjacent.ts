import { keccak256 } from "../hash/keccak256.ts";
import type { Keccak256 } from "../types.ts";
import { getPositionSumDepth } from "./getPositionSumDepth.ts";
import type { PositionSumCommitment, PositionSumProof } from "./PositionSumTree.ts";
import { verifyPositionSumProof } from "./verifyPositionSumProof.ts";

/**
 * True when `left` and `right` prove two neighbouring leaves, at i and i + 1, of the tree committed as
 * `(rootHash, rootSum, length)`: both are full-length proofs (getPositionSumDepth(length) siblings) of indices below
 * `length` that fold to that root hash and sum. In a tree sorted by key, no key lies strictly between those two
 * leaves' keys. (Index 0 alone proves "first", index length − 1 "last": check those with verifyPositionSumProof.)
 * Throws INVALID_ARGUMENT on a malformed proof (see verifyPositionSumProof).
 */
export function arePositionSumProofsAdjacent(
  commitment: PositionSumCommitment,
  left: PositionSumProof,
  right: PositionSumProof,
  keccak: Keccak256 = keccak256,
): boolean {
  const depth = getPositionSumDepth(commitment.length);
  if (right.index !== left.index + 1 || right.index >= commitment.length) return false;
  if (left.siblings.length !== depth || right.siblings.length !== depth) return false;
  for (const proof of [left, right]) {
    const { rootHash, rootSum } = verifyPositionSumProof(proof, keccak);
    if (rootHash !== commitment.rootHash.toLowerCase() || rootSum !== commitment.rootSum) return false;
  }
  return true;
}
