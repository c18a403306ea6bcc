import { keccak256 } from "../hash/keccak256.ts";
import type { Keccak256 } from "../types.ts";
import { buildKeyedPositionSumTree } from "./buildKeyedPositionSumTree.ts";
import { hashPoolAccountNode } from "./hashPoolAccountNode.ts";
import { packPoolAccountValue } from "./packPoolAccountValue.ts";
import type { KeyedPositionSumTree, PoolAccountNode } from "./types.ts";

/**
 * A pool's accounts tree (its `leavesRoot`): a position-bound sum tree over the pool's claim leaves sorted by
 * account, leaf hashPoolAccountNode, value packPoolAccountValue(baseAmount, epochAmount + bonusAmount) (token base
 * units); its root sum is `uncappedTotal << 128 | total` and its length the pool's `leafCount`. Throws
 * INVALID_ARGUMENT for a malformed node, a half out of range or an account listed twice.
 */
export function buildPoolAccountsTree(
  accounts: readonly PoolAccountNode[],
  keccak: Keccak256 = keccak256,
): KeyedPositionSumTree {
  return buildKeyedPositionSumTree(
    accounts.map((a) => ({
      key: a.account,
      hash: hashPoolAccountNode(a, keccak),
      value: packPoolAccountValue(a.baseAmount, a.amount),
    })),
    20,
    keccak,
  );
}
