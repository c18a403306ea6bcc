import { ProtocolError } from "../errors/ProtocolError.ts";
import type { ClaimMembership, FraudEpoch } from "./types.ts";

/** Claim leaf `claim` of the epoch with its OpenZeppelin proof and its epochCommitment preimage. Throws
 * INVALID_ARGUMENT for an index out of range. */
export function getClaimMembership(epoch: FraudEpoch, claim: number): ClaimMembership {
  const c = epoch.claims[claim];
  if (!c || !epoch.claimTree)
    throw new ProtocolError("INVALID_ARGUMENT", `Epoch ${epoch.epoch} has no claim leaf ${claim}.`, { field: "claim" });
  return { leaf: c.leaf, proof: epoch.claimTree.getProof(claim), commitment: c.commitment };
}
