import type { Hex } from "../types.ts";
import type { ClaimLeaf } from "./types.ts";

/** The leaf as the value array StandardMerkleTree.of(values, CLAIM_LEAF_TYPES) takes (bigints as decimal strings). */
export function claimLeafToValues(leaf: ClaimLeaf): [Hex, Hex, string, Hex] {
  return [leaf.account, leaf.poolId, leaf.cumulativeAmount.toString(), leaf.epochCommitment];
}
