import { keccak256 } from "../hash/keccak256.ts";
import type { Hex, Keccak256, RewardLeaf } from "../types.ts";
import { bytesToHex } from "../utils/bytes.ts";
import { hashRewardLeaves } from "./hashRewardLeaves.ts";

/** StandardMerkleTree leaf hash of one reward leaf (what MerkleProof.verify takes as `leaf`). */
export function hashRewardLeaf(leaf: RewardLeaf, keccak: Keccak256 = keccak256): Hex {
  return bytesToHex(hashRewardLeaves([leaf], keccak));
}
