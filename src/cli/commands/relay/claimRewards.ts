import { parseEventLogs } from "viem";
import { rewardDistributorAbi } from "../../../contracts/abis.ts";
import type { Address, Hex } from "../../../protocol/types.ts";
import { connectChain } from "../../chain/connectChain.ts";
import { parseAddress, parsePoolId } from "../../chain/parseArguments.ts";
import { sendContractTransaction } from "../../chain/sendContractTransaction.ts";
import { tokenSentenceFormat } from "../../chain/tokenSentenceFormat.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { CliError } from "../../errors/CliError.ts";
import { type AmountJson, amountJson } from "../../format/amountJson.ts";
import { formatAmount } from "../../format/formatAmount.ts";
import { formatTimestamp } from "../../format/formatTime.ts";
import { resolveSigner } from "../../keys/resolveSigner.ts";
import { type PoolReward, type RewardPosition, readRewardPosition } from "../../rewards/readRewardPosition.ts";
import { resolveAggregatorUrl } from "../../rewards/resolveAggregatorUrl.ts";

export type ClaimRewardsArgs = { account?: string; pool?: string[]; aggregator?: string | boolean };

export type ClaimRewardsResult = {
  account: Address;
  epoch: bigint;
  /** claim() for one pool, claimMany() for several: one transaction either way. */
  method: "claim" | "claimMany";
  transaction: Hex;
  paid: { poolId: Hex; amount: AmountJson }[];
  stillPending: { poolId: Hex; amount: AmountJson }[];
};

/**
 * `meshpay claim`: claims everything claimable now for the account, across all its pools, in one transaction
 * (claimMany when there are several). The tokens always go to the account; any key may send the transaction.
 * NOTHING_TO_DO (exit 5) when nothing is due, saying what is still pending and until when.
 */
export async function claimRewards(args: ClaimRewardsArgs, ctx: CommandContext): Promise<ClaimRewardsResult> {
  const chain = await connectChain(ctx);
  const signer = await resolveSigner(ctx, "Claiming");
  const account = args.account ? parseAddress(args.account, "account") : signer.account.address;
  const aggregatorUrl = resolveAggregatorUrl(args.aggregator, ctx.deps.env, chain.deployment);
  const position = await readRewardPosition(ctx, chain, account, aggregatorUrl);
  const due = selectDue(position, args.pool);
  const claims = due.map((p) => ({ leaf: p.claim!.leaf, proof: p.claim!.proof }));
  const single = claims.length === 1;
  const sent = await sendContractTransaction(ctx, chain, signer, {
    address: chain.distributor,
    abi: rewardDistributorAbi,
    functionName: single ? "claim" : "claimMany",
    args: single ? [claims[0]!.leaf, claims[0]!.proof] : [claims],
    doing: single ? "Claiming" : `Claiming from ${claims.length} pools`,
    format: tokenSentenceFormat(due[0]!.token),
  });
  const paid = new Map<string, bigint>();
  for (const e of parseEventLogs({ abi: rewardDistributorAbi, logs: sent.receipt.logs, eventName: "Claimed" }))
    paid.set(e.args.poolId.toLowerCase(), e.args.amount);
  return {
    account,
    epoch: position.latestClaimable!.epoch,
    method: single ? "claim" : "claimMany",
    transaction: sent.hash,
    paid: due.map((p) => ({ poolId: p.poolId, amount: amountJson(paid.get(p.poolId) ?? 0n, p.token) })),
    stillPending: position.pools
      .filter((p) => p.pending > 0n)
      .map((p) => ({ poolId: p.poolId, amount: amountJson(p.pending, p.token) })),
  };
}

/** The pools with something claimable now (optionally only `pools`); NOTHING_TO_DO explains when there are none. */
export function selectDue(position: RewardPosition, pools?: string[]): PoolReward[] {
  const wanted = pools && pools.length > 0 ? new Set(pools.map(parsePoolId)) : undefined;
  const considered = position.pools.filter((p) => !wanted || wanted.has(p.poolId));
  const due = considered.filter((p) => p.claimable > 0n && p.claim);
  if (due.length > 0) return due;
  const pending = considered.filter((p) => p.pending > 0n);
  const who = position.account;
  let why: string;
  if (position.latestPosted === null) why = "no epoch has been posted yet.";
  else if (considered.length === 0)
    why = wanted ? "it has no rewards in the pool(s) given." : "it has no rewards in any pool yet.";
  else if (pending.length > 0)
    why =
      `${pending.map((p) => formatAmount(p.pending, p.token)).join(", ")} is still in the challenge ` +
      `window${position.latestPosted.status === "pending" ? ` (claimable after ${formatTimestamp(position.latestPosted.windowEndsAt)} if unchallenged)` : ""}.`;
  else why = "everything it earned has been claimed.";
  throw new CliError("NOTHING_TO_DO", `Nothing to claim for ${who}: ${why}`, {
    data: { account: who, pending: pending.map((p) => ({ poolId: p.poolId, amount: amountJson(p.pending, p.token) })) },
  });
}
