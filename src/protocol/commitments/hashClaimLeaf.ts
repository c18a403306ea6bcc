import { keccak256 } from "../hash/keccak256.ts";
import type { Hex, Keccak256 } from "../types.ts";
import { bytesToHex } from "../utils/bytes.ts";
import { hashClaimLeaves } from "./hashClaimLeaves.ts";
import type { ClaimLeaf } from "./types.ts";

/** StandardMerkleTree leaf hash of one claim leaf, version 2 (what MerkleProof.verify takes as `leaf`). */
export function hashClaimLeaf(leaf: ClaimLeaf, keccak: Keccak256 = keccak256): Hex {
  return bytesToHex(hashClaimLeaves([leaf], keccak));
}
