import { getAbiItem } from "viem";
import { rewardDistributorAbi } from "../../../contracts/abis.ts";
import type { Address, Hex } from "../../../protocol/types.ts";
import { type Chain, connectChain } from "../../chain/connectChain.ts";
import { getChainLogs } from "../../chain/getChainLogs.ts";
import { listPoolIds } from "../../chain/listPoolIds.ts";
import { parseAddress, parsePoolId } from "../../chain/parseArguments.ts";
import { readPool } from "../../chain/readPool.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { type AmountJson, amountJson } from "../../format/amountJson.ts";
import type { TokenInfo } from "../../format/formatAmount.ts";

export type PoolStatus = {
  poolId: Hex;
  owner: Address;
  token: TokenInfo;
  ticketSigner: Address;
  metadataURI: string;
  currentEpoch: bigint;
  /** Price for the current epoch, per GB. */
  pricePerGB: AmountJson;
  /** Price from the next epoch on (differs after set-price). */
  nextPricePerGB: AmountJson;
  /** Funded and not yet allocated to an epoch: the only part the owner can withdraw. */
  unallocated: AmountJson;
  /** Allocated to posted epochs, not yet claimed. */
  owed: AmountJson;
  funded: AmountJson;
  paid: AmountJson;
  withdrawn: AmountJson;
  withdrawal: null | { amount: AmountJson; availableAt: bigint; ready: boolean; secondsLeft: bigint };
  chainTime: bigint;
};

export type PoolStatusResult = { pools: PoolStatus[] };

/**
 * `meshpay pool status [pool]`: one pool's configuration, balances, totals funded / paid / withdrawn (from events)
 * and any pending withdrawal; without a pool id, every pool (optionally of one owner).
 */
export async function getPoolStatus(
  args: { poolId?: string; owner?: string },
  ctx: CommandContext,
): Promise<PoolStatusResult> {
  const chain = await connectChain(ctx);
  const ids = args.poolId
    ? [parsePoolId(args.poolId)]
    : (await listPoolIds(chain, args.owner ? parseAddress(args.owner, "owner") : undefined)).map((p) => p.poolId);
  const chainTime = await chain.chainTime();
  const currentEpoch = await chain.publicClient.readContract({
    address: chain.distributor,
    abi: rewardDistributorAbi,
    functionName: "currentEpoch",
  });
  const pools: PoolStatus[] = [];
  for (const poolId of ids) pools.push(await readPoolStatus(chain, poolId, currentEpoch, chainTime));
  return { pools };
}

async function readPoolStatus(chain: Chain, poolId: Hex, currentEpoch: bigint, chainTime: bigint): Promise<PoolStatus> {
  const pool = await readPool(chain, poolId);
  const token = pool.token;
  // poolId is indexed in PoolFunded and PoolWithdrawn (filtered by the node) but not in the claim events, whose
  // logs are filtered here: a topic filter on a non-indexed argument would silently match every pool.
  const logs = async (name: "PoolFunded" | "Claimed" | "ClaimedWithAuthorization" | "PoolWithdrawn") => {
    const indexed = name === "PoolFunded" || name === "PoolWithdrawn";
    const found = (await getChainLogs(chain, {
      events: [getAbiItem({ abi: rewardDistributorAbi, name })],
      ...(indexed ? { args: { poolId } } : {}),
    })) as unknown as { args: { poolId: Hex; amount?: bigint } }[];
    return found.filter((l) => l.args.poolId.toLowerCase() === poolId.toLowerCase());
  };
  const [nextPrice, funded, claimed, relayed, withdrawn] = await Promise.all([
    chain.publicClient.readContract({
      address: chain.distributor,
      abi: rewardDistributorAbi,
      functionName: "priceAt",
      args: [poolId, currentEpoch + 1n],
    }),
    logs("PoolFunded"),
    logs("Claimed"),
    logs("ClaimedWithAuthorization"),
    logs("PoolWithdrawn"),
  ]);
  const sum = (l: { args: { amount?: bigint } }[]) => l.reduce((s, x) => s + (x.args.amount ?? 0n), 0n);
  const a = (v: bigint) => amountJson(v, token);
  return {
    poolId,
    owner: pool.owner,
    token,
    ticketSigner: pool.ticketSigner,
    metadataURI: pool.metadataURI,
    currentEpoch,
    pricePerGB: a(pool.pricePerGB),
    nextPricePerGB: a(nextPrice),
    unallocated: a(pool.unallocated),
    owed: a(pool.owed),
    funded: a(sum(funded)),
    paid: a(sum(claimed) + sum(relayed)),
    withdrawn: a(sum(withdrawn)),
    withdrawal:
      pool.withdrawalAvailableAt === 0n
        ? null
        : {
            amount: a(pool.withdrawalAmount),
            availableAt: pool.withdrawalAvailableAt,
            ready: chainTime >= pool.withdrawalAvailableAt,
            secondsLeft: chainTime >= pool.withdrawalAvailableAt ? 0n : pool.withdrawalAvailableAt - chainTime,
          },
    chainTime,
  };
}
