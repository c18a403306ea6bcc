import type { Address } from "../protocol/types.ts";
import { badResponse } from "./badResponse.ts";
import { isObject } from "./isObject.ts";
import { requestService } from "./requestService.ts";
import type { AggregatorClient } from "./ServiceClient.ts";
import type { AccountRewards } from "./types.ts";

/**
 * GET /v1/accounts/:account/rewards: what `account` earned per pool, claimable now (with leaf, proof and calldata)
 * and pending. Checks the answer's shape only: the caller must verify each proof against the on-chain root before
 * trusting an amount (the CLI does, src/cli/rewards/readAccountRewardsFromAggregator.ts).
 */
export async function getAccountRewards(
  client: AggregatorClient,
  args: { account: Address; signal?: AbortSignal },
): Promise<AccountRewards> {
  const res = await requestService(client, {
    path: `v1/accounts/${args.account.toLowerCase()}/rewards`,
    ...(args.signal ? { signal: args.signal } : {}),
  });
  const b = res.body;
  if (!isObject(b) || !Array.isArray(b.pools) || typeof b.block !== "number")
    throw badResponse(client, res, "no pools list or block number");
  if (typeof b.account !== "string" || b.account.toLowerCase() !== args.account.toLowerCase())
    throw badResponse(client, res, `the answer is for account ${String(b.account)}, not ${args.account}`);
  for (const [i, p] of (b.pools as unknown[]).entries())
    if (!isObject(p) || typeof p.poolId !== "string" || !isObject(p.pending) || !("claim" in p))
      throw badResponse(client, res, `pools[${i}] is not a pool entry`);
  return b as AccountRewards;
}
