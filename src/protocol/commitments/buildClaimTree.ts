import { keccak256 } from "../hash/keccak256.ts";
import { buildMerkleTree } from "../tree/buildMerkleTree.ts";
import type { Keccak256 } from "../types.ts";
import { hashClaimLeaves } from "./hashClaimLeaves.ts";
import type { ClaimLeaf, ClaimTree } from "./types.ts";

/**
 * The epoch's claim tree (version 2): same root and proofs as
 * StandardMerkleTree.of(leaves.map(claimLeafToValues), CLAIM_LEAF_TYPES); `getProof(i)` proves `leaves[i]`.
 * Throws INVALID_ARGUMENT for no leaves or a malformed leaf. Pass createFastKeccak256() as `keccak` for large trees.
 */
export function buildClaimTree(leaves: readonly ClaimLeaf[], keccak: Keccak256 = keccak256): ClaimTree {
  return Object.assign(buildMerkleTree(hashClaimLeaves(leaves, keccak), keccak), { leaves });
}
