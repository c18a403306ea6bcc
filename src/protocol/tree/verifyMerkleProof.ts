import { keccak256 } from "../hash/keccak256.ts";
import type { Hex, Keccak256 } from "../types.ts";
import { bytesToHex, compare32, hexToBytes } from "../utils/bytes.ts";

/**
 * OpenZeppelin MerkleProof.verify: folds `proof` into `leafHash` with sorted-pair keccak256 and compares with `root`.
 */
export function verifyMerkleProof(
  root: Hex,
  leafHash: Hex,
  proof: readonly Hex[],
  keccak: Keccak256 = keccak256,
): boolean {
  let node = hexToBytes(leafHash, 32, "leafHash");
  const pair = new Uint8Array(64);
  for (const [i, p] of proof.entries()) {
    const sibling = hexToBytes(p, 32, `proof[${i}]`);
    const less = compare32(node, 0, sibling, 0) <= 0;
    pair.set(less ? node : sibling, 0);
    pair.set(less ? sibling : node, 32);
    node = keccak(pair);
  }
  return bytesToHex(node) === root.toLowerCase();
}
