import { keccak256 } from "../hash/keccak256.ts";
import type { Keccak256 } from "../types.ts";
import { buildKeyedPositionSumTree } from "./buildKeyedPositionSumTree.ts";
import { hashPoolAccountNode } from "./hashPoolAccountNode.ts";
import type { KeyedPositionSumTree, PoolAccountNode } from "./types.ts";

/**
 * A pool's accounts tree (its `leavesRoot`): a position-bound sum tree over the pool's claim leaves sorted by
 * account, leaf hashPoolAccountNode, value `amount` (epochAmount + bonusAmount, token base units); its root sum is
 * the pool's `total` and its length the pool's `leafCount`. Throws INVALID_ARGUMENT for a malformed node or an
 * account listed twice.
 */
export function buildPoolAccountsTree(
  accounts: readonly PoolAccountNode[],
  keccak: Keccak256 = keccak256,
): KeyedPositionSumTree {
  return buildKeyedPositionSumTree(
    accounts.map((a) => ({ key: a.account, hash: hashPoolAccountNode(a, keccak), value: a.amount })),
    20,
    keccak,
  );
}
