import { createAggregatorClient } from "../../client/createAggregatorClient.ts";
import { getAccountRewards } from "../../client/getAccountRewards.ts";
import { MeshpayApiError } from "../../client/MeshpayApiError.ts";
import { rewardDistributorAbi } from "../../contracts/abis.ts";
import type { Address, Hex, RewardLeaf } from "../../protocol/types.ts";
import type { Chain } from "../chain/connectChain.ts";
import { tokenOfPool } from "../chain/parseArguments.ts";
import { type EpochPost, readEpochPost } from "../chain/readEpochPost.ts";
import type { CommandContext } from "../context/CliDeps.ts";
import type { TokenInfo } from "../format/formatAmount.ts";
import { type AccountLeaves, type LeafSource, readAccountLeaves } from "./readAccountLeaves.ts";

/** What one account has in one pool, in base units of the pool's token. */
export type PoolReward = {
  poolId: Hex;
  token: TokenInfo;
  /** Everything earned up to the latest posted epoch (cumulativeAmount of its leaf). */
  earned: bigint;
  /** Payable now: the latest claimable epoch's cumulativeAmount minus what was already claimed. */
  claimable: bigint;
  /** Earned in epochs still in their challenge window (or blocked by a challenge). */
  pending: bigint;
  claimed: bigint;
  /** The account's next ClaimAuthorization nonce for the pool. */
  nonce: bigint;
  /** The leaf and proof a claim uses now (latest claimable epoch), when there is one. */
  claim?: { leaf: RewardLeaf; proof: Hex[] };
};

export type RewardPosition = {
  account: Address;
  chainTime: bigint;
  latestPosted: Pick<EpochPost, "epoch" | "status" | "windowEndsAt" | "bundleURI"> | null;
  latestClaimable: { epoch: bigint } | null;
  source: "bundle" | "aggregator";
  pools: PoolReward[];
};

/**
 * An account's rewards per pool: earned (latest posted epoch), claimable now (latest claimable epoch minus claimed),
 * pending in the challenge window, already claimed (chain). Leaves and proofs come from the aggregator when
 * `aggregatorUrl` is given (GET /v1/accounts/:account/rewards, then its leaf endpoint for what that answer lacks);
 * when it cannot answer (no answer, a 5xx or 429, a 404 for what the chain says it should have, an unusable answer),
 * a warning says so and they come from the epochs' public bundles instead. Every proof is checked against the
 * on-chain root either way: an aggregator that serves a wrong one is refused (AGGREGATOR_PROOF_INVALID), not
 * worked around.
 */
export async function readRewardPosition(
  ctx: CommandContext,
  chain: Chain,
  account: Address,
  aggregatorUrl?: string,
): Promise<RewardPosition> {
  if (aggregatorUrl) {
    const client = createAggregatorClient({ url: aggregatorUrl, fetch: ctx.deps.fetch, now: ctx.deps.now });
    try {
      const rewards = await getAccountRewards(client, { account });
      return await readPosition(ctx, chain, account, { kind: "aggregator", client, rewards });
    } catch (err) {
      if (!(err instanceof MeshpayApiError) || !fallsBackToBundle(err)) throw err;
      ctx.output.warn(
        `meshpay: aggregator unreachable (${err.shortMessage.replace(/\.$/, "")}), reading the epoch bundle instead`,
      );
    }
  }
  return readPosition(ctx, chain, account, { kind: "bundle" });
}

/**
 * Whether an aggregator's failure means "read the bundle instead": it gave no (complete) answer, asked to retry
 * later (429, 5xx), does not have what the chain says was posted or the route (404, 405, 501), or answered with
 * something that is not the API's shape. Anything else it refused (a 4xx) is an error.
 */
function fallsBackToBundle(err: MeshpayApiError): boolean {
  return err.code !== "ABORTED" && (err.retryable || err.status === 404 || err.status === 405 || err.status === 501);
}

async function readPosition(
  ctx: CommandContext,
  chain: Chain,
  account: Address,
  leafSource: LeafSource,
): Promise<RewardPosition> {
  const read = <T>(functionName: string, args: readonly unknown[] = []) =>
    chain.publicClient.readContract({
      address: chain.distributor,
      abi: rewardDistributorAbi,
      functionName,
      args,
    } as never) as Promise<T>;
  const [state, [hasClaimable, claimableEpoch], chainTime] = await Promise.all([
    read<{ nextEpoch: bigint }>("systemState"),
    read<readonly [boolean, bigint]>("latestClaimableEpoch"),
    chain.chainTime(),
  ]);
  const source = leafSource.kind;
  if (state.nextEpoch === 0n)
    return { account, chainTime, latestPosted: null, latestClaimable: null, source, pools: [] };

  const postedPost = await readEpochPost(chain, state.nextEpoch - 1n);
  const posted = await readAccountLeaves(ctx, postedPost, account, leafSource);
  let claimable: AccountLeaves | undefined;
  if (hasClaimable)
    claimable =
      claimableEpoch === postedPost.epoch
        ? posted
        : await readAccountLeaves(ctx, await readEpochPost(chain, claimableEpoch), account, leafSource);

  const byPool = new Map<
    string,
    { posted?: (typeof posted.leaves)[number]; claimable?: (typeof posted.leaves)[number] }
  >();
  for (const e of posted.leaves) byPool.set(e.leaf.poolId, { ...byPool.get(e.leaf.poolId), posted: e });
  for (const e of claimable?.leaves ?? []) byPool.set(e.leaf.poolId, { ...byPool.get(e.leaf.poolId), claimable: e });

  const pools: PoolReward[] = [];
  for (const [poolId, entry] of [...byPool].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [[claimed, nonce], token] = await Promise.all([
      read<readonly [bigint, bigint]>("claimed", [poolId, account]),
      chain.token(tokenOfPool(poolId as Hex)),
    ]);
    const claimableCumulative = entry.claimable?.leaf.cumulativeAmount ?? 0n;
    const earned = entry.posted?.leaf.cumulativeAmount ?? claimableCumulative;
    const settled = claimableCumulative > claimed ? claimableCumulative : claimed;
    pools.push({
      poolId: poolId as Hex,
      token,
      earned,
      claimable: claimableCumulative > claimed ? claimableCumulative - claimed : 0n,
      pending: earned > settled ? earned - settled : 0n,
      claimed,
      nonce,
      ...(entry.claimable && claimableCumulative > claimed
        ? { claim: { leaf: entry.claimable.leaf, proof: entry.claimable.proof } }
        : {}),
    });
  }
  return {
    account,
    chainTime,
    latestPosted: {
      epoch: postedPost.epoch,
      status: postedPost.status,
      windowEndsAt: postedPost.windowEndsAt,
      bundleURI: postedPost.bundleURI,
    },
    latestClaimable: hasClaimable ? { epoch: claimableEpoch } : null,
    source,
    pools,
  };
}
