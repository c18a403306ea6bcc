import type { ContractFunctionReturnType } from "viem";
import type { rewardDistributorAbi } from "./abis.ts";

/** What the distributor's config() returns: its deployment parameters in seconds and wei, typed from the ABI. */
export type DistributorConfig = ContractFunctionReturnType<typeof rewardDistributorAbi, "view", "config">;
