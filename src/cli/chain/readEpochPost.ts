import { getAbiItem } from "viem";
import { rewardDistributorAbi as distributorAbi } from "../../contracts/abis.ts";
import { getLogsChunked } from "../../contracts/getLogsChunked.ts";
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
  blockHash: Hex;
  transactionHash: Hex;
  logIndex: number;
  /** Unix seconds of the post's block. */
  postedAt: bigint;
  /** "pending" (in its challenge window or blocked by a challenge) or "claimable". (A rejected epoch is not posted.) */
  status: "pending" | "claimable";
  /** When its window ends (postedAt + challengeWindow). */
  windowEndsAt: bigint;
};

const epochPosted = getAbiItem({ abi: distributorAbi, name: "EpochPosted" });

/**
 * The current post of `epoch`: the latest EpochPosted event for it (eth_getLogs in chunked block ranges from the
 * deployment block, as public endpoints need). The contract keeps the roots of recent epochs only: for an older
 * claimable epoch `epochInfo` answers posted with a zero root, and the event is the record. A stored non-zero root
 * that differs from the event is AUDIT_MISMATCH. NOT_FOUND when the epoch was never posted.
 */
export async function readEpochPost(
  chain: Chain,
  epoch: bigint,
  options: { logRange?: bigint } = {},
): Promise<EpochPost> {
  const latest = await chain.publicClient.getBlockNumber();
  const [logs, state, config] = await Promise.all([
    getLogsChunked(chain.publicClient, {
      address: chain.distributor,
      events: [epochPosted],
      args: { epoch },
      fromBlock: chain.fromBlock,
      toBlock: latest,
      range: options.logRange ?? chain.logBlockRange,
    }),
    chain.publicClient.readContract({ address: chain.distributor, abi: distributorAbi, functionName: "systemState" }),
    chain.publicClient.readContract({ address: chain.distributor, abi: distributorAbi, functionName: "config" }),
  ]);
  const log = logs.at(-1);
  if (!log || epoch >= state.nextEpoch)
    throw new CliError(
      "NOT_FOUND",
      `Epoch ${epoch} has not been ` +
        `posted${state.nextEpoch > 0n ? ` (the latest posted is ${state.nextEpoch - 1n})` : " (no epoch has been posted yet)"}.`,
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
  if (info.posted && BigInt(info.root) !== 0n && info.root.toLowerCase() !== a.root.toLowerCase())
    throw new CliError(
      "AUDIT_MISMATCH",
      `The stored root of epoch ${epoch} (${info.root}) differs from its latest EpochPosted event (${a.root}).`,
    );
  return {
    epoch,
    aggregator: a.aggregator,
    root: a.root.toLowerCase() as Hex,
    bundleHash: a.bundleHash.toLowerCase() as Hex,
    bundleURI: a.bundleURI,
    poolTotals: a.poolTotals.map((p) => ({ poolId: p.poolId.toLowerCase() as Hex, amount: p.amount })),
    dataHash: a.dataHash,
    blockNumber: log.blockNumber,
    blockHash: log.blockHash,
    transactionHash: log.transactionHash,
    logIndex: log.logIndex,
    postedAt: block.timestamp,
    status: claimable ? "claimable" : "pending",
    windowEndsAt: block.timestamp + config.challengeWindow,
  };
}
