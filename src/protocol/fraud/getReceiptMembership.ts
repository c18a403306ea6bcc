import { ProtocolError } from "../errors/ProtocolError.ts";
import { getClaimMembership } from "./getClaimMembership.ts";
import { getSumPath } from "./getSumPath.ts";
import type { FraudEpoch, ReceiptLocation, ReceiptMembership } from "./types.ts";

/** Receipt `at.receipt` of claim leaf `at.claim`: the claim membership, the receipt node and its path in the
 * leaf's relay receipts tree. Throws INVALID_ARGUMENT for a location out of range. */
export function getReceiptMembership(epoch: FraudEpoch, at: ReceiptLocation): ReceiptMembership {
  const receipt = epoch.claims[at.claim]?.receipts[at.receipt];
  if (!receipt)
    throw new ProtocolError("INVALID_ARGUMENT", `Epoch ${epoch.epoch} has no receipt ${at.claim}/${at.receipt}.`, {
      field: "at",
    });
  return {
    claim: getClaimMembership(epoch, at.claim),
    node: receipt.node,
    path: getSumPath(epoch.relayTrees[at.claim]!, at.receipt),
  };
}
