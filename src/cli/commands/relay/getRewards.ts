import type { Address, Hex } from "../../../protocol/types.ts";
import { connectChain } from "../../chain/connectChain.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { type AmountJson, amountJson } from "../../format/amountJson.ts";
import type { TokenInfo } from "../../format/formatAmount.ts";
import { readRewardPosition } from "../../rewards/readRewardPosition.ts";
import { resolveAggregatorUrl } from "../../rewards/resolveAggregatorUrl.ts";
import { resolveAccount } from "./resolveAccount.ts";

export type RewardsResult = {
  account: Address;
  source: "bundle" | "aggregator";
  latestPostedEpoch: bigint | null;
  latestClaimableEpoch: bigint | null;
  /** When the latest posted epoch's challenge window ends (unix seconds), if it is still pending. */
  pendingUntil: bigint | null;
  chainTime: bigint;
  pools: {
    poolId: Hex;
    token: TokenInfo;
    earned: AmountJson;
    claimable: AmountJson;
    pending: AmountJson;
    claimed: AmountJson;
  }[];
};

/**
 * `meshpay rewards`: per pool, what the account earned, can claim now, has pending in the window, and claimed. The
 * leaves come from the aggregator (resolveAggregatorUrl) or, when it cannot answer or none is set, the epoch bundles;
 * every proof is checked against the on-chain root either way (readRewardPosition).
 */
export async function getRewards(
  args: { account?: string; aggregator?: string | boolean },
  ctx: CommandContext,
): Promise<RewardsResult> {
  const chain = await connectChain(ctx);
  const account = await resolveAccount(ctx, args.account, "Showing rewards");
  const aggregatorUrl = resolveAggregatorUrl(args.aggregator, ctx.deps.env, chain.deployment);
  const position = await readRewardPosition(ctx, chain, account, aggregatorUrl);
  return {
    account,
    source: position.source,
    latestPostedEpoch: position.latestPosted?.epoch ?? null,
    latestClaimableEpoch: position.latestClaimable?.epoch ?? null,
    pendingUntil: position.latestPosted?.status === "pending" ? position.latestPosted.windowEndsAt : null,
    chainTime: position.chainTime,
    pools: position.pools.map((p) => ({
      poolId: p.poolId,
      token: p.token,
      earned: amountJson(p.earned, p.token),
      claimable: amountJson(p.claimable, p.token),
      pending: amountJson(p.pending, p.token),
      claimed: amountJson(p.claimed, p.token),
    })),
  };
}
