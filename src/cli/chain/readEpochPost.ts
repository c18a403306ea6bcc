import { getAbiItem } from "viem";
import { rewardDistributorAbi as distributorAbi } from "../../contracts/abis.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import { CliError } from "../errors/CliError.ts";
import type { Chain } from "./connectChain.ts";

/** What the chain says about a posted epoch: its EpochPosted event and its stored state. */
export type EpochPost = {
  epoch: bigint;
  aggregator: Address;
  root: Hex;
  bundleHash: Hex;
  bundleURI: string;
  poolTotals: { poolId: Hex; amount: bigint }[];
  dataHash: Hex;
  blockNumber: bigint;
  transactionHash: Hex;
  /** Unix seconds of the post's block. */
  postedAt: bigint;
  /** "pending" (in its challenge window or blocked by a challenge) or "claimable". (A rejected epoch is not posted.) */
  status: "pending" | "claimable";
  /** When its window ends (postedAt + challengeWindow). */
  windowEndsAt: bigint;
};

/**
 * The current post of `epoch`: the latest EpochPosted event for it, checked against the stored root while the epoch
 * is in the contract's ring. NOT_FOUND when the epoch was never posted.
 */
export async function readEpochPost(chain: Chain, epoch: bigint): Promise<EpochPost> {
  const [logs, state, config] = await Promise.all([
    chain.publicClient.getLogs({
      address: chain.distributor,
      event: getAbiItem({ abi: distributorAbi, name: "EpochPosted" }),
      args: { epoch },
      fromBlock: chain.fromBlock,
      toBlock: "latest",
    }),
    chain.publicClient.readContract({ address: chain.distributor, abi: distributorAbi, functionName: "systemState" }),
    chain.publicClient.readContract({ address: chain.distributor, abi: distributorAbi, functionName: "config" }),
  ]);
  const log = logs.at(-1);
  if (!log || epoch >= state.nextEpoch)
    throw new CliError(
      "NOT_FOUND",
      `Epoch ${epoch} has not been posted${state.nextEpoch > 0n ? ` (the latest posted is ${state.nextEpoch - 1n})` : " (no epoch has been posted yet)"}.`,
    );
  const a = log.args;
  const [block, claimable] = await Promise.all([
    chain.publicClient.getBlock({ blockNumber: log.blockNumber }),
    chain.publicClient.readContract({
      address: chain.distributor,
      abi: distributorAbi,
      functionName: "isClaimable",
      args: [epoch],
    }),
  ]);
  const info = await chain.publicClient.readContract({
    address: chain.distributor,
    abi: distributorAbi,
    functionName: "epochInfo",
    args: [epoch],
  });
  if (info.posted && info.root.toLowerCase() !== a.root!.toLowerCase())
    throw new CliError(
      "AUDIT_MISMATCH",
      `The stored root of epoch ${epoch} (${info.root}) differs from its latest EpochPosted event (${a.root}).`,
    );
  return {
    epoch,
    aggregator: a.aggregator!,
    root: a.root!.toLowerCase() as Hex,
    bundleHash: a.bundleHash!.toLowerCase() as Hex,
    bundleURI: a.bundleURI!,
    poolTotals: a.poolTotals!.map((p) => ({ poolId: p.poolId.toLowerCase() as Hex, amount: p.amount })),
    dataHash: a.dataHash!,
    blockNumber: log.blockNumber,
    transactionHash: log.transactionHash,
    postedAt: block.timestamp,
    status: claimable ? "claimable" : "pending",
    windowEndsAt: block.timestamp + config.challengeWindow,
  };
}
