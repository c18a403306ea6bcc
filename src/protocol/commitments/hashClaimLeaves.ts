import { ProtocolError } from "../errors/ProtocolError.ts";
import { keccak256 } from "../hash/keccak256.ts";
import type { Keccak256 } from "../types.ts";
import { writeHex, writeUint } from "../utils/bytes.ts";
import type { ClaimLeaf } from "./types.ts";

/**
 * StandardMerkleTree leaf hashes of claim leaves (version 2), one flat array (n × 32 bytes, input order):
 * `keccak256(keccak256(abi.encode(address account, bytes32 poolId, uint256 cumulativeAmount,
 * bytes32 epochCommitment)))`. Throws INVALID_ARGUMENT naming the field (e.g. `leaves[3].cumulativeAmount`).
 */
export function hashClaimLeaves(leaves: readonly ClaimLeaf[], keccak: Keccak256 = keccak256): Uint8Array {
  const out = new Uint8Array(leaves.length * 32);
  const buf = new Uint8Array(128);
  let i = 0;
  try {
    for (; i < leaves.length; i++) {
      const leaf = leaves[i]!;
      writeHex(buf, 12, leaf.account, 20, "account");
      writeHex(buf, 32, leaf.poolId, 32, "poolId");
      writeUint(buf, 64, leaf.cumulativeAmount, 32, "cumulativeAmount");
      writeHex(buf, 96, leaf.epochCommitment, 32, "epochCommitment");
      out.set(keccak(keccak(buf)), i * 32);
    }
  } catch (err) {
    if (!(err instanceof ProtocolError) || !err.field) throw err;
    const field = `leaves[${i}].${err.field}`;
    throw new ProtocolError("INVALID_ARGUMENT", err.shortMessage.replace(err.field, field), { field });
  }
  return out;
}
