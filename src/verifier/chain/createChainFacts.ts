import { getAbiItem } from "viem";
import { rewardDistributorAbi as distributorAbi } from "../../contracts/abis.ts";
import { getLogsChunked } from "../../contracts/getLogsChunked.ts";
import { getRevertName } from "../../contracts/getRevertName.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import { readDistributorConfig } from "./readDistributorConfig.ts";
import type { ChainFacts, VerifierPublicClient } from "./types.ts";

const signerRotatedEvent = getAbiItem({ abi: distributorAbi, name: "PoolTicketSignerRotated" });

/**
 * ChainFacts over a JSON-RPC client: eth_calls pinned to blocks, cached. ticketSignerAt is asked once per pool
 * per stretch of time between two PoolTicketSignerRotated events (found in the logs from `fromBlock`), not once
 * per receipt second. Transport errors propagate (the caller retries); only PoolNotFound reverts mean "no pool".
 */
export async function createChainFacts(args: {
  client: VerifierPublicClient;
  distributor: Address;
  /** First block to search for signer rotations (the deployment block). Default 0. */
  fromBlock?: bigint;
  logRange?: bigint;
}): Promise<ChainFacts> {
  const { client } = args;
  const distributor = args.distributor.toLowerCase() as Address;
  const [chainId, config] = await Promise.all([client.getChainId(), readDistributorConfig(client, distributor)]);
  const cache = new Map<string, Promise<unknown>>();
  const memo = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    let p = cache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = fn();
      cache.set(key, p);
      p.catch(() => cache.delete(key));
      if (cache.size > 200_000) cache.clear();
    }
    return p;
  };
  const orMissing = async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (err) {
      if (getRevertName(err) === "PoolNotFound") return undefined;
      throw err;
    }
  };
  const rotations = (poolId: Hex, blockNumber: bigint): Promise<bigint[]> =>
    memo(`rot:${poolId}:${blockNumber}`, async () => {
      const logs = await getLogsChunked(client, {
        address: distributor,
        events: [signerRotatedEvent],
        fromBlock: args.fromBlock ?? 0n,
        toBlock: blockNumber,
        ...(args.logRange ? { range: args.logRange } : {}),
        args: { poolId },
      });
      const times = await Promise.all([...new Set(logs.map((l) => l.blockNumber))].map((b) => facts.blockTimestamp(b)));
      return times.filter((t): t is bigint => t !== undefined).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    });

  const facts: ChainFacts = {
    chainId: BigInt(chainId),
    distributor,
    config,
    epochParams: {
      genesisTime: config.genesisTime,
      epochSeconds: config.epochSeconds,
      graceSeconds: config.graceSeconds,
    },
    unallocatedAt: (poolId, blockNumber) =>
      memo(`unalloc:${poolId}:${blockNumber}`, () =>
        orMissing(
          async () =>
            (
              await client.readContract({
                address: distributor,
                abi: distributorAbi,
                functionName: "poolInfo",
                args: [poolId],
                blockNumber,
              })
            ).unallocated,
        ),
      ),
    priceAt: (poolId, epoch, blockNumber) =>
      memo(`price:${poolId}:${epoch}:${blockNumber}`, () =>
        orMissing(() =>
          client.readContract({
            address: distributor,
            abi: distributorAbi,
            functionName: "priceAt",
            args: [poolId, epoch],
            blockNumber,
          }),
        ),
      ),
    async ticketSignerAt(poolId, timestamp, blockNumber) {
      const times = await rotations(poolId, blockNumber);
      // The signer is constant between two rotation times: key the call by the stretch `timestamp` falls in.
      let stretch = 0;
      while (stretch < times.length && times[stretch]! <= timestamp) stretch++;
      return memo(`signer:${poolId}:${stretch}:${blockNumber}`, () =>
        orMissing(
          async () =>
            (
              (await client.readContract({
                address: distributor,
                abi: distributorAbi,
                functionName: "ticketSignerAt",
                args: [poolId, timestamp],
                blockNumber,
              })) as Address
            ).toLowerCase() as Address,
        ),
      );
    },
    async blockTimestamp(blockNumber) {
      const t = await memo(`block:${blockNumber}`, async () => {
        const block = await client.getBlock({ blockNumber }).catch((err: unknown) => {
          if ((err as { name?: string }).name === "BlockNotFoundError") return undefined;
          throw err;
        });
        return block?.timestamp;
      });
      // A block that does not exist yet may exist later: do not remember its absence.
      if (t === undefined) cache.delete(`block:${blockNumber}`);
      return t;
    },
  };
  return facts;
}
