import { encodeFunctionData, type PublicClient } from "viem";
import type { AccountRewards, PoolRewards } from "../../client/types.ts";
import { rewardDistributorAbi } from "../../contracts/abis.ts";
import { rewardLeafToJson } from "../../protocol/bundle/rewardLeafToJson.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import type { PoolRegistry } from "../chain/createPoolRegistry.ts";
import { AggregatorError } from "../errors/AggregatorError.ts";
import type { EpochPost, EpochStore } from "../storage/EpochStore.ts";
import type { LeafIndex, LeafProof } from "./createLeafIndex.ts";

export type AccountRewardsSources = {
  client: PublicClient;
  distributor: Address;
  epochs: EpochStore;
  leafIndex: LeafIndex;
  pools: PoolRegistry;
};

/** The wire shapes of GET /v1/accounts/:account/rewards are the typed client's (one type per concept). */
export type PoolRewardsView = PoolRewards;
export type AccountRewardsView = AccountRewards;

/**
 * What `account` has earned, per pool it has a leaf in the latest epoch this aggregator has on chain: the leaf's
 * cumulative amount, what it has claimed (`claimed(poolId, account)`), what it can claim now (the cumulative amount
 * of its leaf in the latest claimable epoch, minus claimed) with the leaf, proof and `claim(leaf, proof)` calldata,
 * and the rest as pending until the latest posted epoch's `claimableAt` (contract clock). Every chain value is read
 * at one block; leaves and proofs come from the leaf index (two bundles at most: the claimable and the latest).
 */
export async function readAccountRewards(s: AccountRewardsSources, account: Address): Promise<AccountRewardsView> {
  // Not viem's cached block number: right after a claim, `claimed` must already show it.
  const blockNumber = await rpc(s.client.getBlockNumber({ cacheTime: 0 }));
  const read = <T>(functionName: string, args: readonly unknown[] = []) =>
    rpc(
      s.client.readContract({
        address: s.distributor,
        abi: rewardDistributorAbi,
        functionName: functionName as never,
        args: args as never,
        blockNumber,
      }) as Promise<T>,
    );
  const [clock, [hasClaimable, claimableEpochBig]] = await Promise.all([
    read<bigint>("clock"),
    read<readonly [boolean, bigint]>("latestClaimableEpoch"),
  ]);
  const claimableEpoch = hasClaimable ? Number(claimableEpochBig) : null;

  /** The attempt of `epoch` this aggregator holds whose root is the one on chain at `blockNumber`. */
  const onChain = async (post: EpochPost | undefined, epoch: number) => {
    const info = await read<{ root: Hex; claimableAt: bigint }>("epochInfo", [BigInt(epoch)]);
    if (!post || post.root.toLowerCase() !== info.root.toLowerCase())
      throw new AggregatorError(
        "SERVICE_UNAVAILABLE",
        `This aggregator does not hold the root of epoch ${epoch} that is on chain at block ${blockNumber} ` +
          "(it is still following the chain, or another aggregator posted it). Retry with backoff.",
        { status: 503, data: { epoch, block: Number(blockNumber) } },
      );
    return { post, claimableAt: Number(info.claimableAt) };
  };

  // The latest epoch posted: this aggregator's newest live post, or the claimable epoch if the chain is ahead of it.
  const newest = await s.epochs.latestLive();
  const latestEpoch = Math.max(newest?.epoch ?? -1, claimableEpoch ?? -1);
  const view: AccountRewardsView = {
    account,
    block: Number(blockNumber),
    clock: Number(clock),
    latestPostedEpoch: latestEpoch < 0 ? null : latestEpoch,
    latestClaimableEpoch: claimableEpoch,
    pools: [],
  };
  if (latestEpoch < 0) return view;
  const posted = await onChain(newest?.epoch === latestEpoch ? newest : await s.epochs.live(latestEpoch), latestEpoch);
  const leaves = await s.leafIndex.findAccount(posted.post.bundlePath, posted.post.leavesOffset, account);
  if (leaves.length === 0) return view;

  let claimable: { post: EpochPost; leaves: Map<string, LeafProof> } | undefined;
  if (claimableEpoch !== null) {
    const c =
      claimableEpoch === latestEpoch ? posted : await onChain(await s.epochs.live(claimableEpoch), claimableEpoch);
    const found =
      c.post === posted.post ? leaves : await s.leafIndex.findAccount(c.post.bundlePath, c.post.leavesOffset, account);
    claimable = { post: c.post, leaves: new Map(found.map((l) => [l.leaf.poolId.toLowerCase(), l])) };
  }

  const claimed = await Promise.all(
    leaves.map((l) => read<readonly [bigint, bigint]>("claimed", [l.leaf.poolId, account]).then((r) => r[0])),
  );
  view.pools = leaves.map((l, i): PoolRewardsView => {
    const poolId = l.leaf.poolId.toLowerCase() as Hex;
    const already = claimed[i]!;
    const c = claimable?.leaves.get(poolId);
    const claimableNow = c && c.leaf.cumulativeAmount > already ? c.leaf.cumulativeAmount - already : 0n;
    const covered = already + claimableNow;
    const pending = l.leaf.cumulativeAmount > covered ? l.leaf.cumulativeAmount - covered : 0n;
    return {
      poolId,
      token: (s.pools.get(poolId)?.token.toLowerCase() as Hex | undefined) ?? null,
      cumulativeAmount: l.leaf.cumulativeAmount.toString(),
      claimed: already.toString(),
      claimable: claimableNow.toString(),
      pending:
        pending > 0n
          ? { amount: pending.toString(), epoch: posted.post.epoch, claimableAt: posted.claimableAt }
          : { amount: "0", epoch: null, claimableAt: null },
      claim:
        c && claimable && claimableNow > 0n
          ? {
              epoch: claimable.post.epoch,
              root: c.root,
              bundleHash: claimable.post.bundleHash as Hex,
              leaf: rewardLeafToJson(c.leaf),
              leafHash: c.leafHash,
              proof: c.proof,
              transaction: {
                to: s.distributor,
                data: encodeFunctionData({
                  abi: rewardDistributorAbi,
                  functionName: "claim",
                  args: [c.leaf, c.proof],
                }),
              },
            }
          : null,
    };
  });
  return view;
}

/** A chain read; an RPC failure is the service being unavailable (503, retry), not an internal error. */
async function rpc<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (cause) {
    const message = (cause as { shortMessage?: string }).shortMessage ?? (cause as Error).message;
    throw new AggregatorError("SERVICE_UNAVAILABLE", `Could not read the chain: ${message} Retry with backoff.`, {
      status: 503,
      cause,
    });
  }
}
