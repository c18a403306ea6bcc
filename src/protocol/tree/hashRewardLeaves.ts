import { ProtocolError } from "../errors/ProtocolError.ts";
import { keccak256 } from "../hash/keccak256.ts";
import type { Keccak256, RewardLeaf } from "../types.ts";
import { writeHex, writeUint } from "../utils/bytes.ts";

/**
 * StandardMerkleTree leaf hashes of reward leaves, one flat array (n × 32 bytes, input order):
 * keccak256(keccak256(abi.encode(address account, bytes32 poolId, uint256 cumulativeAmount,
 * uint256 epochBytes, uint256 epochAmount, bytes32 receiptsRoot))).
 * Throws INVALID_ARGUMENT naming the field (e.g. `leaves[3].epochAmount`).
 */
export function hashRewardLeaves(leaves: readonly RewardLeaf[], keccak: Keccak256 = keccak256): Uint8Array {
  const out = new Uint8Array(leaves.length * 32);
  const buf = new Uint8Array(192);
  let i = 0;
  try {
    for (; i < leaves.length; i++) {
      const leaf = leaves[i]!;
      writeHex(buf, 12, leaf.account, 20, "account");
      writeHex(buf, 32, leaf.poolId, 32, "poolId");
      writeUint(buf, 64, leaf.cumulativeAmount, 32, "cumulativeAmount");
      writeUint(buf, 96, leaf.epochBytes, 32, "epochBytes");
      writeUint(buf, 128, leaf.epochAmount, 32, "epochAmount");
      writeHex(buf, 160, leaf.receiptsRoot, 32, "receiptsRoot");
      out.set(keccak(keccak(buf)), i * 32);
    }
  } catch (err) {
    if (!(err instanceof ProtocolError) || !err.field) throw err;
    const field = `leaves[${i}].${err.field}`;
    throw new ProtocolError("INVALID_ARGUMENT", err.shortMessage.replace(err.field, field), { field });
  }
  return out;
}
