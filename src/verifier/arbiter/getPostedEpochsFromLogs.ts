import { getAbiItem } from "viem";
import { rewardDistributorAbi as distributorAbi } from "../../contracts/abis.ts";
import { getLogsChunked } from "../../contracts/getLogsChunked.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import type { PostedEpoch, VerifierPublicClient } from "../chain/types.ts";

const events = [
  getAbiItem({ abi: distributorAbi, name: "EpochPosted" }),
  getAbiItem({ abi: distributorAbi, name: "EpochRejected" }),
  getAbiItem({ abi: distributorAbi, name: "EpochReplaced" }),
] as const;

export type PostWithFate = PostedEpoch & { rejectedBy: bigint | null };

/**
 * Every EpochPosted event of the distributor from `fromBlock`, oldest first, each with the challenge that rejected it
 * (EpochRejected(epoch, challengeId, end) applies to the latest post before it of each epoch in [epoch, end);
 * challengeId 0 is a revocation) and, for a re-post, what its EpochReplaced released. Needs no state but the chain:
 * what an arbiter or an auditor uses.
 */
export async function getPostedEpochsFromLogs(args: {
  client: VerifierPublicClient;
  distributor: Address;
  fromBlock?: bigint;
  toBlock?: bigint;
  logRange?: bigint;
}): Promise<PostWithFate[]> {
  const toBlock = args.toBlock ?? (await args.client.getBlockNumber());
  const logs = await getLogsChunked(args.client, {
    address: args.distributor,
    events,
    fromBlock: args.fromBlock ?? 0n,
    toBlock,
    ...(args.logRange ? { range: args.logRange } : {}),
  });
  const posts: PostWithFate[] = [];
  const timestamps = new Map<bigint, bigint>();
  const released = new Map<string, { poolId: Hex; amount: bigint }[]>();
  for (const l of logs) {
    if (l.eventName === "EpochReplaced") {
      released.set(
        l.transactionHash,
        l.args.released.map((t) => ({ poolId: t.poolId.toLowerCase() as Hex, amount: t.amount })),
      );
    } else if (l.eventName === "EpochPosted") {
      const freed = released.get(l.transactionHash);
      released.delete(l.transactionHash);
      let ts = timestamps.get(l.blockNumber);
      if (ts === undefined) {
        ts = (await args.client.getBlock({ blockNumber: l.blockNumber })).timestamp;
        timestamps.set(l.blockNumber, ts);
      }
      posts.push({
        id: `${l.transactionHash}:${l.logIndex}`,
        epoch: l.args.epoch,
        aggregator: l.args.aggregator.toLowerCase() as Address,
        root: l.args.root.toLowerCase() as Hex,
        bundleHash: l.args.bundleHash.toLowerCase() as Hex,
        bundleURI: l.args.bundleURI,
        poolTotals: l.args.poolTotals.map((t) => ({ poolId: t.poolId.toLowerCase() as Hex, amount: t.amount })),
        dataHash: l.args.dataHash.toLowerCase() as Hex,
        blockNumber: l.blockNumber,
        blockHash: l.blockHash,
        txHash: l.transactionHash,
        logIndex: l.logIndex,
        postedAt: ts,
        ...(freed ? { released: freed } : {}),
        rejectedBy: null,
      });
    } else {
      const done = new Set<bigint>();
      for (let i = posts.length - 1; i >= 0; i--) {
        const e = posts[i]!.epoch;
        if (e < l.args.epoch || e >= l.args.end || done.has(e)) continue;
        done.add(e);
        if (posts[i]!.rejectedBy === null) posts[i]!.rejectedBy = l.args.challengeId;
      }
    }
  }
  return posts;
}

/** The post of `epoch` that was live at (block, logIndex): the latest one before that point. */
export function postBefore(
  posts: readonly PostWithFate[],
  epoch: bigint,
  at: { blockNumber: bigint; logIndex: number },
): PostWithFate | undefined {
  let found: PostWithFate | undefined;
  for (const p of posts) {
    if (p.epoch !== epoch) continue;
    if (p.blockNumber < at.blockNumber || (p.blockNumber === at.blockNumber && p.logIndex < at.logIndex)) found = p;
  }
  return found;
}
