import { type Client, getAbiItem } from "viem";
import type { Address, Hex } from "../protocol/types.ts";
import { rewardDistributorAbi } from "./abis.ts";
import { getLogsChunked } from "./getLogsChunked.ts";
import { type EpochData, hashEpochData } from "./hashEpochData.ts";

const epochPosted = getAbiItem({ abi: rewardDistributorAbi, name: "EpochPosted" });

/**
 * The EpochData of the latest post of `epoch` (its last EpochPosted event), as repostEpoch needs it for `replaced`
 * once that post was rejected: aggregator, bundleHash and poolTotals as emitted (the amounts actually allocated).
 * Checked against the event's own dataHash. The ring slot keeps the rejected post's commitment until the re-post,
 * but no view exposes it for an epoch at or above nextEpoch: repostEpoch itself refuses a mismatch
 * (EpochDataMismatch), which a caller's gas estimate surfaces. Throws when there is no post or the check fails.
 */
export async function getReplacedEpochData(args: {
  client: Client;
  distributor: Address;
  epoch: bigint;
  fromBlock: bigint;
  toBlock?: bigint;
}): Promise<{ data: EpochData; dataHash: Hex; txHash: Hex; blockNumber: bigint }> {
  const toBlock = args.toBlock ?? BigInt((await args.client.request({ method: "eth_blockNumber" } as never)) as string);
  const logs = await getLogsChunked(args.client, {
    address: args.distributor,
    events: [epochPosted],
    fromBlock: args.fromBlock,
    toBlock,
    args: { epoch: args.epoch },
  });
  const last = logs.at(-1);
  if (!last) throw new Error(`No EpochPosted event for epoch ${args.epoch} since block ${args.fromBlock}.`);
  const data: EpochData = {
    aggregator: last.args.aggregator.toLowerCase() as Address,
    bundleHash: last.args.bundleHash.toLowerCase() as Hex,
    poolTotals: last.args.poolTotals.map((t) => ({ poolId: t.poolId.toLowerCase() as Hex, amount: t.amount })),
  };
  const dataHash = hashEpochData(data);
  if (dataHash !== last.args.dataHash.toLowerCase())
    throw new Error(`The EpochPosted event of epoch ${args.epoch} does not hash to its own dataHash.`);
  return { data, dataHash, txHash: last.transactionHash, blockNumber: last.blockNumber };
}
