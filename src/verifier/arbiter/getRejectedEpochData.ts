import { rewardDistributorAbi as distributorAbi } from "../../contracts/abis.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import type { VerifierPublicClient } from "../chain/types.ts";
import { getPostedEpochsFromLogs } from "./getPostedEpochsFromLogs.ts";

export type EpochData = { aggregator: Address; bundleHash: Hex; poolTotals: { poolId: Hex; amount: bigint }[] };

/**
 * The EpochData[] that upholdChallenge / resolveExpiredChallenge need to reject `fromEpoch` and every later posted
 * epoch: for each epoch from `fromEpoch` to systemState().nextEpoch - 1, the aggregator, bundleHash and poolTotals of
 * its live (not rejected) EpochPosted event, in epoch order.
 */
export async function getRejectedEpochData(args: {
  client: VerifierPublicClient;
  distributor: Address;
  fromEpoch: bigint;
  fromBlock?: bigint;
}): Promise<EpochData[]> {
  const state = await args.client.readContract({
    address: args.distributor,
    abi: distributorAbi,
    functionName: "systemState",
  });
  const posts = await getPostedEpochsFromLogs({
    client: args.client,
    distributor: args.distributor,
    ...(args.fromBlock === undefined ? {} : { fromBlock: args.fromBlock }),
  });
  const out: EpochData[] = [];
  for (let e = args.fromEpoch; e < state.nextEpoch; e++) {
    const live = posts.filter((p) => p.epoch === e && p.rejectedBy === null).at(-1);
    if (!live) throw new Error(`No live EpochPosted event for epoch ${e} since block ${args.fromBlock ?? 0n}.`);
    out.push({ aggregator: live.aggregator, bundleHash: live.bundleHash, poolTotals: live.poolTotals });
  }
  return out;
}
