import { createPublicClient, http } from "viem";
import { rewardDistributorAbi } from "../contracts/abis.ts";
import type { Address, EpochParams } from "../protocol/types.ts";
import { SimulatorError } from "./errors/SimulatorError.ts";

/**
 * Reads the chain id and the distributor's epoch parameters (config(): genesisTime, epochSeconds, graceSeconds)
 * over JSON-RPC. Throws CHAIN_UNAVAILABLE when the endpoint does not answer or the contract cannot be read.
 */
export async function readChainEpochParams(
  rpcUrl: string,
  distributor: Address,
): Promise<{ chainId: number; epochParams: EpochParams }> {
  const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 1, timeout: 10_000 }) });
  try {
    const [chainId, config] = await Promise.all([
      client.getChainId(),
      client.readContract({ address: distributor, abi: rewardDistributorAbi, functionName: "config" }),
    ]);
    return {
      chainId,
      epochParams: {
        genesisTime: config.genesisTime,
        epochSeconds: config.epochSeconds,
        graceSeconds: config.graceSeconds,
      },
    };
  } catch (cause) {
    throw new SimulatorError(
      "CHAIN_UNAVAILABLE",
      `Could not read the distributor ${distributor} config over ${rpcUrl}.`,
      { cause },
    );
  }
}
