import { rewardDistributorAbi as distributorAbi } from "../../contracts/abis.ts";
import type { Address } from "../../protocol/types.ts";
import type { DistributorConfig, VerifierPublicClient } from "./types.ts";

/** Reads config() of the distributor at `address`. */
export async function readDistributorConfig(
  client: VerifierPublicClient,
  address: Address,
): Promise<DistributorConfig> {
  const c = await client.readContract({ address, abi: distributorAbi, functionName: "config" });
  return {
    genesisTime: c.genesisTime,
    epochSeconds: c.epochSeconds,
    graceSeconds: c.graceSeconds,
    challengeWindow: c.challengeWindow,
    arbiterTimeout: c.arbiterTimeout,
    aggregatorBond: c.aggregatorBond,
    challengerBond: c.challengerBond,
    challengerShareBps: c.challengerShareBps,
  };
}
