import { ProtocolError } from "../errors/ProtocolError.ts";
import { keccak256 } from "../hash/keccak256.ts";
import type { Keccak256 } from "../types.ts";
import { bytesToHex, writeHex, writeUint } from "../utils/bytes.ts";
import type { PositionSumProof, PositionSumProofResult } from "./PositionSumTree.ts";

const MAX_UINT256 = (1n << 256n) - 1n;

/**
 * Folds a position-bound sum tree proof from its leaf to the root, as PositionSumTree.computeRoot does on chain:
 * at level k the sibling is on the left when bit k of `proof.index` is 1, and the left siblings' sums add up to
 * `prefixSum` (the sum of the values at indices below `index`). Returns `{ rootHash, rootSum, prefixSum }` (sums
 * uint256) for the caller to compare with a commitment `(rootHash, rootSum, n)`; see arePositionSumProofsAdjacent for
 * the index and length checks against `n`. Throws INVALID_ARGUMENT when `index ≥ 2^siblings.length`, a hash or a
 * value is malformed, or a sum overflows uint256 (no tree has such a path).
 */
export function verifyPositionSumProof(proof: PositionSumProof, keccak: Keccak256 = keccak256): PositionSumProofResult {
  const { index, siblings } = proof;
  const depth = siblings.length;
  if (!Number.isSafeInteger(index) || index < 0 || (depth < 53 && index >= 2 ** depth))
    throw new ProtocolError("INVALID_ARGUMENT", `Index ${index} does not fit a proof of ${depth} levels.`, {
      field: "proof.index",
    });
  const buf = new Uint8Array(128);
  let hash: Uint8Array = new Uint8Array(32);
  writeHex(hash, 0, proof.leafHash, 32, "proof.leafHash");
  let sum = proof.value;
  writeUint(buf, 0, sum, 32, "proof.value");
  let prefixSum = 0n;
  let at = index;
  for (let k = 0; k < depth; k++, at = Math.floor(at / 2)) {
    const sibling = siblings[k]!;
    const left = at % 2 === 1;
    // Node at the right half when the sibling is on the left, and the other way round.
    const self = left ? 64 : 0;
    const other = left ? 0 : 64;
    buf.set(hash, self);
    writeUint(buf, self + 32, sum, 32, "proof.value");
    writeHex(buf, other, sibling.hash, 32, `proof.siblings[${k}].hash`);
    writeUint(buf, other + 32, sibling.sum, 32, `proof.siblings[${k}].sum`);
    if (left) prefixSum += sibling.sum;
    sum += sibling.sum;
    if (sum > MAX_UINT256)
      throw new ProtocolError("INVALID_ARGUMENT", `The sum at level ${k + 1} overflows uint256.`, {
        field: `proof.siblings[${k}].sum`,
      });
    hash = keccak(buf);
  }
  return { rootHash: bytesToHex(hash), rootSum: sum, prefixSum };
}
