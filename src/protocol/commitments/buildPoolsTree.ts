import { keccak256 } from "../hash/keccak256.ts";
import type { Keccak256 } from "../types.ts";
import { buildKeyedPositionSumTree } from "./buildKeyedPositionSumTree.ts";
import type { KeyedPositionSumTree, KeyedSumEntry } from "./types.ts";

/**
 * The epoch's pools tree from already-hashed pools: `key` = poolId, `hash` = hashPoolNode(pool), `value` = the
 * pool's `total` (token base units), so that a caller streams each pool's accounts (buildPoolAccountsTree → its
 * leavesRoot), hashes the pool and keeps only this entry. Sorted by poolId (a copy); every pool that ever had a
 * leaf is listed, `total` 0 included. Throws INVALID_ARGUMENT for a malformed entry or a poolId listed twice.
 */
export function buildPoolsTree(pools: readonly KeyedSumEntry[], keccak: Keccak256 = keccak256): KeyedPositionSumTree {
  return buildKeyedPositionSumTree(pools, 32, keccak);
}
