import { getAbiItem } from "viem";
import { rewardDistributorAbi } from "../../contracts/abis.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import type { Chain } from "./connectChain.ts";

export type CreatedPool = { poolId: Hex; owner: Address; token: Address; blockNumber: bigint };

/** Every pool created on the deployment (PoolCreated events from the deployment block), optionally of one owner. */
export async function listPoolIds(chain: Chain, owner?: Address): Promise<CreatedPool[]> {
  const logs = await chain.publicClient.getLogs({
    address: chain.distributor,
    event: getAbiItem({ abi: rewardDistributorAbi, name: "PoolCreated" }),
    ...(owner ? { args: { owner } } : {}),
    fromBlock: chain.fromBlock,
    toBlock: "latest",
  });
  return logs.map((l) => ({
    poolId: l.args.poolId!.toLowerCase() as Hex,
    owner: l.args.owner!,
    token: l.args.token!,
    blockNumber: l.blockNumber,
  }));
}
