import { ProtocolError } from "../errors/ProtocolError.ts";
import { getClaimMembership } from "./getClaimMembership.ts";
import { getSumPath } from "./getSumPath.ts";
import type { FraudEpoch, RelayTotalProof } from "./types.ts";

/**
 * relayTotal (kind 3, mode 0) against claim leaf `claim`: its membership and one path of its relay receipts tree
 * (the receipt at `index`, default 0), which gives the tree's root sum and depth. Proves a fault when the root sum
 * is not `epochBytes` or the tree's length is not `receiptCount` (path length or index). Throws INVALID_ARGUMENT
 * when the leaf has no receipt to open (an empty tree claimed non-empty needs a node opening, mode 1, not built).
 */
export function buildRelayTotalProof(epoch: FraudEpoch, claim: number, index = 0): RelayTotalProof {
  const tree = epoch.relayTrees[claim]!;
  if (index >= tree.length)
    throw new ProtocolError("INVALID_ARGUMENT", `Claim leaf ${claim} has no receipt ${index} to open.`, {
      field: "index",
    });
  return {
    mode: 0,
    claim: getClaimMembership(epoch, claim),
    node: epoch.claims[claim]!.receipts[index]!.node,
    path: getSumPath(tree, index),
  };
}
