import { encodeAbiParameters, keccak256 } from "viem";
import type { Address, Hex } from "../protocol/types.ts";

/**
 * The evidenceHash a challenge commits to: keccak256(abi.encode(address challenger, bytes32 evidence)), where
 * `evidence` is keccak256 of the evidence document's bytes (the document served at the evidenceURI). Binding the
 * challenger means a challenge copied from the mempool carries evidence bound to someone else: the arbiter rewards
 * only a challenge whose evidenceHash matches its own challenger (IRewardDistributor.challenge).
 */
export function getEvidenceHash(challenger: Address, evidence: Hex): Hex {
  return keccak256(encodeAbiParameters([{ type: "address" }, { type: "bytes32" }], [challenger, evidence]));
}
