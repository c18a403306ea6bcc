import { ProtocolError } from "../errors/ProtocolError.ts";
import { keccak256 } from "../hash/keccak256.ts";
import { getReceiptsRoot } from "../tree/getReceiptsRoot.ts";
import type { Address, Hex, Keccak256, RewardLeaf } from "../types.ts";
import { computeEpochRewardsFromRoots, type RootedRewardCredit } from "./computeEpochRewardsFromRoots.ts";

/** A pool as the reward computation sees it at epoch close. */
export type RewardPool = {
  poolId: Hex;
  /** Token base units per 10^9 bytes. */
  pricePerGB: bigint;
  /** Unallocated balance this epoch may draw on. */
  balance: bigint;
};

/** Bytes credited to one relay account in one pool this epoch, with the receipts behind them. */
export type RewardCredit = {
  account: Address;
  poolId: Hex;
  bytes: bigint;
  /** receiptIds of the credited receipts (their receiptsRoot goes in the leaf). */
  receiptIds: readonly Hex[];
};

export type PoolTotal = {
  poolId: Hex;
  /** Σ bytes credited in the pool. */
  bytes: bigint;
  /** Σ floor(bytes_i · price / 1e9) before capping. */
  rawAmount: bigint;
  /** Σ epochAmount actually allocated (≤ balance); what postEpoch's poolTotals carry. */
  amount: bigint;
  /** Whether amounts were scaled down to the balance. */
  scaled: boolean;
};

export type EpochRewards = { leaves: RewardLeaf[]; poolTotals: PoolTotal[] };

/**
 * One epoch's reward leaves. Per (relay, pool): raw = floor(bytes · pricePerGB / 1e9); if a pool's Σraw
 * exceeds its balance every amount becomes floor(raw · balance / Σraw). cumulativeAmount = previous
 * cumulative + epochAmount. Every (account, pool) in `previous` keeps a leaf (epochBytes = epochAmount = 0,
 * receiptsRoot = bytes32(0) when nothing new). Several credits for the same (account, pool) are merged.
 * Leaves come sorted by (poolId, account), lowercase hex (computeEpochRewardsFromRoots does the arithmetic, once
 * each (account, pool)'s receiptsRoot is known). Throws POOL_UNKNOWN for a credit in a pool
 * not in `pools`, INVALID_ARGUMENT for negative bytes or a duplicated previous leaf.
 */
export function computeEpochRewards(args: {
  pools: readonly RewardPool[];
  credits: readonly RewardCredit[];
  previous?: readonly RewardLeaf[];
  keccak?: Keccak256;
}): EpochRewards {
  const keccak = args.keccak ?? keccak256;
  const pools = new Set(args.pools.map((p) => p.poolId.toLowerCase()));
  // Duplicated previous leaves are refused first, as computeEpochRewardsFromRoots would (before any credit check).
  const previousKeys = new Set<string>();
  const keyOf = (poolId: string, account: string) => `${poolId.toLowerCase()}:${account.toLowerCase()}`;
  for (const [i, leaf] of (args.previous ?? []).entries()) {
    const key = keyOf(leaf.poolId, leaf.account);
    if (previousKeys.has(key))
      throw new ProtocolError("INVALID_ARGUMENT", `previous[${i}] repeats (${leaf.account}, ${leaf.poolId}).`, {
        field: `previous[${i}]`,
      });
    previousKeys.add(key);
  }
  const merged = new Map<string, { account: Hex; poolId: Hex; bytes: bigint; receiptIds: Hex[] }>();
  for (const [i, c] of args.credits.entries()) {
    if (typeof c.bytes !== "bigint" || c.bytes < 0n)
      throw new ProtocolError("INVALID_ARGUMENT", `credits[${i}].bytes must be a bigint ≥ 0.`, {
        field: `credits[${i}].bytes`,
      });
    if (!pools.has(c.poolId.toLowerCase()))
      throw new ProtocolError(
        "POOL_UNKNOWN",
        `credits[${i}] is for pool ${c.poolId}, which is not among the pools given.`,
        {
          field: `credits[${i}].poolId`,
        },
      );
    if (c.bytes === 0n && c.receiptIds.length === 0) continue;
    const key = keyOf(c.poolId, c.account);
    let e = merged.get(key);
    if (!e) {
      e = { account: c.account.toLowerCase() as Hex, poolId: c.poolId.toLowerCase() as Hex, bytes: 0n, receiptIds: [] };
      merged.set(key, e);
    }
    e.bytes += c.bytes;
    for (const id of c.receiptIds) e.receiptIds.push(id);
  }
  const credits: RootedRewardCredit[] = [...merged.values()].map((e) => ({
    account: e.account,
    poolId: e.poolId,
    bytes: e.bytes,
    receiptsRoot: getReceiptsRoot(e.receiptIds, keccak),
  }));
  return computeEpochRewardsFromRoots({ pools: args.pools, credits, previous: args.previous });
}
