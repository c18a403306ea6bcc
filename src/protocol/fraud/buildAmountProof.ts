import { ProtocolError } from "../errors/ProtocolError.ts";
import { getClaimMembership } from "./getClaimMembership.ts";
import { getPoolLeaf } from "./getPoolLeaf.ts";
import { getSumPath } from "./getSumPath.ts";
import type { AmountProof, FraudEpoch } from "./types.ts";

/**
 * amount (kind 4) against claim leaf `claim`: its membership and its pool's pools-tree leaf and path (uncappedTotal,
 * scaleBalance). The price is the chain's (priceAt). Proves a fault when baseAmount, epochAmount (the scaling rule)
 * or bonusAmount (0) do not follow. Throws INVALID_ARGUMENT when the pool has no pools-tree leaf (a cumulative
 * proof, mode 4).
 */
export function buildAmountProof(epoch: FraudEpoch, claim: number): AmountProof {
  const poolId = epoch.claims[claim]!.leaf.poolId.toLowerCase();
  const index = epoch.pools.findIndex((p) => p.poolId.toLowerCase() === poolId);
  if (index < 0)
    throw new ProtocolError("INVALID_ARGUMENT", `Pool ${poolId} has no leaf in the pools tree.`, { field: "claim" });
  return {
    claim: getClaimMembership(epoch, claim),
    data: epoch.data,
    pool: getPoolLeaf(epoch, index),
    poolPath: getSumPath(epoch.poolsTree, index),
  };
}
