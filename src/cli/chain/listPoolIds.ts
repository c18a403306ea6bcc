import { getAbiItem } from "viem";
import { rewardDistributorAbi } from "../../contracts/abis.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import type { Chain } from "./connectChain.ts";
import { getChainLogs } from "./getChainLogs.ts";

export type CreatedPool = { poolId: Hex; owner: Address; token: Address; blockNumber: bigint };

const poolCreated = getAbiItem({ abi: rewardDistributorAbi, name: "PoolCreated" });

/** Every pool created on the deployment (PoolCreated events from the deployment block), optionally of one owner. */
export async function listPoolIds(chain: Chain, owner?: Address): Promise<CreatedPool[]> {
  const logs = await getChainLogs(chain, { events: [poolCreated], ...(owner ? { args: { owner } } : {}) });
  return logs.map((l) => ({
    poolId: l.args.poolId.toLowerCase() as Hex,
    owner: l.args.owner,
    token: l.args.token,
    blockNumber: l.blockNumber,
  }));
}
