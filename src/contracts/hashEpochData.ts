import { encodeAbiParameters, getAbiItem, keccak256 } from "viem";
import type { Address, Hex } from "../protocol/types.ts";
import { rewardDistributorAbi } from "./abis.ts";

/** The EpochData of one post: what repostEpoch takes back (`replaced`) and what a post's dataHash commits to. */
export type EpochData = { aggregator: Address; bundleHash: Hex; poolTotals: { poolId: Hex; amount: bigint }[] };

const epochDataParam = getAbiItem({ abi: rewardDistributorAbi, name: "repostEpoch" }).inputs[5];

/** keccak256(abi.encode(EpochData)): the `dataHash` of EpochPosted; the chain stores its first 27 bytes. */
export function hashEpochData(data: EpochData): Hex {
  return keccak256(encodeAbiParameters([epochDataParam], [data]));
}
