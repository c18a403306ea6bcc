import { ZERO_HASH } from "../constants.ts";
import { ProtocolError } from "../errors/ProtocolError.ts";
import type { Address, Hex, RewardLeaf } from "../types.ts";
import type { EpochRewards, PoolTotal, RewardPool } from "./computeEpochRewards.ts";
import { getRewardAmount } from "./getRewardAmount.ts";
import { scalePoolAmounts } from "./scalePoolAmounts.ts";

/**
 * Bytes credited to one relay account in one pool this epoch, with the receiptsRoot of the receipts behind them
 * (getReceiptsRoot; bytes32(0) for none), so a caller that streams an epoch can drop each leaf's receipt ids as soon
 * as its root is known.
 */
export type RootedRewardCredit = { account: Address; poolId: Hex; bytes: bigint; receiptsRoot: Hex };

/**
 * computeEpochRewards for credits whose receipts roots are already computed: the same leaves and pool totals as
 * computeEpochRewards gives for the receipt ids behind those roots. A root cannot be merged with another, so each
 * (account, pool) may have one credit only (INVALID_ARGUMENT otherwise); a credit of 0 bytes with the zero root is
 * no credit. Throws POOL_UNKNOWN for a credit in a pool not in `pools`, INVALID_ARGUMENT for negative bytes or a
 * duplicated previous leaf.
 */
export function computeEpochRewardsFromRoots(args: {
  pools: readonly RewardPool[];
  credits: readonly RootedRewardCredit[];
  previous?: readonly RewardLeaf[];
}): EpochRewards {
  const pools = new Map<string, RewardPool>();
  for (const p of args.pools) pools.set(p.poolId.toLowerCase(), p);

  // No map keyed by (pool, account): at 10^6 leaves its keys alone would cost more than the leaves. The entries are
  // sorted by (poolId, account) instead, and a previous leaf meets its credit next to it.
  type Entry = { account: Hex; poolId: Hex; previous: bigint; bytes: bigint; receiptsRoot: Hex; index: number };
  const byKey = (a: Entry, b: Entry) =>
    a.poolId < b.poolId ? -1 : a.poolId > b.poolId ? 1 : a.account < b.account ? -1 : a.account > b.account ? 1 : 0;
  const previous: Entry[] = (args.previous ?? []).map((leaf, index) => ({
    account: leaf.account.toLowerCase() as Hex,
    poolId: leaf.poolId.toLowerCase() as Hex,
    previous: leaf.cumulativeAmount,
    bytes: 0n,
    receiptsRoot: ZERO_HASH,
    index,
  }));
  previous.sort((a, b) => byKey(a, b) || a.index - b.index);
  for (let k = 1; k < previous.length; k++)
    if (byKey(previous[k - 1]!, previous[k]!) === 0) {
      const i = previous[k]!.index;
      const leaf = args.previous![i]!;
      throw new ProtocolError("INVALID_ARGUMENT", `previous[${i}] repeats (${leaf.account}, ${leaf.poolId}).`, {
        field: `previous[${i}]`,
      });
    }
  const credited: Entry[] = [];
  for (const [i, c] of args.credits.entries()) {
    if (typeof c.bytes !== "bigint" || c.bytes < 0n)
      throw new ProtocolError("INVALID_ARGUMENT", `credits[${i}].bytes must be a bigint ≥ 0.`, {
        field: `credits[${i}].bytes`,
      });
    if (!pools.has(c.poolId.toLowerCase()))
      throw new ProtocolError(
        "POOL_UNKNOWN",
        `credits[${i}] is for pool ${c.poolId}, which is not among the pools given.`,
        { field: `credits[${i}].poolId` },
      );
    if (c.bytes === 0n && c.receiptsRoot === ZERO_HASH) continue;
    credited.push({
      account: c.account.toLowerCase() as Hex,
      poolId: c.poolId.toLowerCase() as Hex,
      previous: 0n,
      bytes: c.bytes,
      receiptsRoot: c.receiptsRoot,
      index: i,
    });
  }
  credited.sort((a, b) => byKey(a, b) || a.index - b.index);
  for (let k = 1; k < credited.length; k++)
    if (byKey(credited[k - 1]!, credited[k]!) === 0) {
      const c = args.credits[credited[k]!.index]!;
      throw new ProtocolError(
        "INVALID_ARGUMENT",
        `credits[${credited[k]!.index}] repeats (${c.account}, ${c.poolId}): receipts roots cannot be merged.`,
        { field: `credits[${credited[k]!.index}]` },
      );
    }
  // Merge the two sorted lists; a previous leaf and a credit of the same (pool, account) become one entry.
  const sorted: Entry[] = [];
  for (let p = 0, c = 0; p < previous.length || c < credited.length; ) {
    const order = p === previous.length ? 1 : c === credited.length ? -1 : byKey(previous[p]!, credited[c]!);
    if (order < 0) sorted.push(previous[p++]!);
    else if (order > 0) sorted.push(credited[c++]!);
    else {
      const e = credited[c++]!;
      e.previous = previous[p++]!.previous;
      sorted.push(e);
    }
  }
  previous.length = 0;
  credited.length = 0;
  const leaves: RewardLeaf[] = [];
  const poolTotals: PoolTotal[] = [];
  for (let start = 0; start < sorted.length; ) {
    const poolId = sorted[start]!.poolId;
    let end = start + 1;
    while (end < sorted.length && sorted[end]!.poolId === poolId) end++;
    const list = sorted.slice(start, end);
    const pool = pools.get(poolId);
    const raw = list.map((e) => (pool ? getRewardAmount(e.bytes, pool.pricePerGB) : 0n));
    const amounts = pool ? scalePoolAmounts(raw, pool.balance) : raw;
    let bytes = 0n;
    let rawAmount = 0n;
    let amount = 0n;
    list.forEach((e, i) => {
      bytes += e.bytes;
      rawAmount += raw[i]!;
      amount += amounts[i]!;
      leaves.push({
        account: e.account,
        poolId: e.poolId,
        cumulativeAmount: e.previous + amounts[i]!,
        epochBytes: e.bytes,
        epochAmount: amounts[i]!,
        receiptsRoot: e.receiptsRoot,
      });
    });
    if (pool) poolTotals.push({ poolId: poolId as Hex, bytes, rawAmount, amount, scaled: rawAmount > pool.balance });
    start = end;
  }
  return { leaves, poolTotals };
}
