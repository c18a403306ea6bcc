import { keccak256 } from "../hash/keccak256.ts";
import type { Hex, Keccak256 } from "../types.ts";
import { bytesToHex, writeHex, writeUint } from "../utils/bytes.ts";
import type { PoolNode } from "./types.ts";

const buf = new Uint8Array(192);

/**
 * Leaf hash of a pool in the pools tree: `keccak256(abi.encode(bytes32 poolId, uint256 total, uint256
 * uncappedTotal, uint256 scaleBalance, bytes32 leavesRoot, uint256 leafCount))` (amounts in token base units; the
 * node's value is `total`). Throws INVALID_ARGUMENT naming the field (`pool.total`, …).
 */
export function hashPoolNode(pool: PoolNode, keccak: Keccak256 = keccak256): Hex {
  writeHex(buf, 0, pool.poolId, 32, "pool.poolId");
  writeUint(buf, 32, pool.total, 32, "pool.total");
  writeUint(buf, 64, pool.uncappedTotal, 32, "pool.uncappedTotal");
  writeUint(buf, 96, pool.scaleBalance, 32, "pool.scaleBalance");
  writeHex(buf, 128, pool.leavesRoot, 32, "pool.leavesRoot");
  writeUint(buf, 160, pool.leafCount, 32, "pool.leafCount");
  return bytesToHex(keccak(buf));
}
