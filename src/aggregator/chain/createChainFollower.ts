import type { Logger } from "pino";
import { type PublicClient, parseEventLogs } from "viem";
import { rewardDistributorAbi } from "../../contracts/abis.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import type { AggregatorMetrics } from "../metrics/createMetrics.ts";
import type { ChainStore } from "../storage/ChainStore.ts";
import type { PoolRegistry } from "./createPoolRegistry.ts";

/** Events the poster cares about, as the follower saw them (in chain order). */
export type EpochEvent =
  | { kind: "posted"; epoch: number; aggregator: Address; root: Hex; bundleHash: Hex; txHash: Hex; block: number }
  /** Epochs [epoch, end) were rejected: by upheld challenge `challengeId`, or by a revocation when it is "0". */
  | { kind: "rejected"; epoch: number; end: number; challengeId: string; block: number }
  | { kind: "challenged"; epoch: number; challengeId: string; block: number };

export type ChainHead = { number: bigint; timestamp: number };

export type ChainFollower = {
  /** Reads the head, processes new logs up to head - confirmations; returns the head and the epoch events seen. */
  sync(): Promise<{ head: ChainHead; events: EpochEvent[]; caughtUp: boolean }>;
};

const BALANCE_EVENTS = new Set([
  "PoolFunded",
  "PoolWithdrawn",
  "Claimed",
  "ClaimedWithAuthorization",
  "EpochPosted",
  "EpochRejected",
  "EpochReplaced",
]);
const MAX_CHUNKS_PER_SYNC = 20;

/**
 * Follows the distributor's logs: pools (PoolCreated, PoolPriceChanged, PoolTicketSignerRotated), their balances
 * (re-read with poolInfo after any event that moves them) and the epoch events. Each log chunk and the cursor are
 * committed in one transaction, so a restart resumes exactly where it stopped.
 */
export function createChainFollower(options: {
  client: PublicClient;
  distributor: Address;
  store: ChainStore;
  pools: PoolRegistry;
  confirmations: number;
  fromBlock: bigint;
  chunkBlocks: number;
  metrics: AggregatorMetrics;
  logger: Logger;
}): ChainFollower {
  const { client, distributor, store, pools, metrics, logger } = options;
  const blockTimes = new Map<bigint, number>();
  const blockTime = async (n: bigint): Promise<number> => {
    let t = blockTimes.get(n);
    if (t === undefined) {
      t = Number((await client.getBlock({ blockNumber: n })).timestamp);
      if (blockTimes.size > 1000) blockTimes.clear();
      blockTimes.set(n, t);
    }
    return t;
  };

  return {
    async sync() {
      const latest = await client.getBlock({ blockTag: "latest" });
      const head: ChainHead = { number: latest.number, timestamp: Number(latest.timestamp) };
      metrics.chainHeadBlock.set(Number(head.number));
      metrics.chainHeadLag.set(Math.max(0, Date.now() / 1000 - head.timestamp));
      const target = head.number - BigInt(options.confirmations);
      const events: EpochEvent[] = [];
      let cursor = (await store.getCursor()) ?? options.fromBlock - 1n;
      for (let chunk = 0; chunk < MAX_CHUNKS_PER_SYNC && cursor < target; chunk++) {
        const from = cursor + 1n;
        const to = from + BigInt(options.chunkBlocks) - 1n < target ? from + BigInt(options.chunkBlocks) - 1n : target;
        const raw = await client.getLogs({ address: distributor, fromBlock: from, toBlock: to });
        const logs = parseEventLogs({ abi: rewardDistributorAbi, logs: raw });
        // Everything that needs the RPC is read before the transaction, which then only writes.
        const times = new Map<bigint, number>();
        for (const log of logs)
          if (log.eventName === "PoolCreated" || log.eventName === "PoolTicketSignerRotated")
            times.set(log.blockNumber, await blockTime(log.blockNumber));
        const dirty = new Set<Hex>();
        let allDirty = false;
        let poolsChanged = false;
        for (const log of logs) {
          if (BALANCE_EVENTS.has(log.eventName)) {
            const args = log.args;
            if ("poolId" in args) dirty.add(args.poolId.toLowerCase() as Hex);
            if ("poolTotals" in args) for (const t of args.poolTotals) dirty.add(t.poolId.toLowerCase() as Hex);
            if ("released" in args) for (const t of args.released) dirty.add(t.poolId.toLowerCase() as Hex);
            if (log.eventName === "EpochRejected") allDirty = true;
          }
        }
        const known = new Set(pools.all().map((p) => p.poolId));
        for (const log of logs) if (log.eventName === "PoolCreated") known.add(log.args.poolId.toLowerCase() as Hex);
        const refresh = allDirty ? [...known] : [...dirty].filter((p) => known.has(p));
        const balances = new Map<Hex, { unallocated: bigint; owed: bigint }>();
        for (const poolId of refresh) {
          const info = await client.readContract({
            address: distributor,
            abi: rewardDistributorAbi,
            functionName: "poolInfo",
            args: [poolId],
            blockNumber: to,
          });
          balances.set(poolId, { unallocated: info.unallocated, owed: info.owed });
        }

        await store.transaction(async (tx) => {
          for (const log of logs) {
            const block = Number(log.blockNumber);
            const logIndex = log.logIndex;
            switch (log.eventName) {
              case "PoolCreated": {
                const a = log.args;
                const poolId = a.poolId.toLowerCase() as Hex;
                const at = times.get(log.blockNumber)!;
                await tx.insertPool({
                  poolId,
                  token: a.token.toLowerCase() as Address,
                  owner: a.owner.toLowerCase() as Address,
                  metadataUri: a.metadataURI,
                  createdBlock: block,
                  createdAt: at,
                });
                await tx.insertSigner({
                  poolId,
                  blockNumber: block,
                  logIndex,
                  since: at,
                  signer: a.ticketSigner.toLowerCase() as Address,
                });
                await tx.upsertPrice({ poolId, fromEpoch: 0, pricePerGb: a.pricePerGB.toString(), blockNumber: block });
                poolsChanged = true;
                break;
              }
              case "PoolPriceChanged": {
                const a = log.args;
                await tx.upsertPrice({
                  poolId: a.poolId.toLowerCase() as Hex,
                  fromEpoch: Number(a.fromEpoch),
                  pricePerGb: a.pricePerGB.toString(),
                  blockNumber: block,
                });
                poolsChanged = true;
                break;
              }
              case "PoolTicketSignerRotated": {
                const a = log.args;
                await tx.insertSigner({
                  poolId: a.poolId.toLowerCase() as Hex,
                  blockNumber: block,
                  logIndex,
                  since: times.get(log.blockNumber)!,
                  signer: a.ticketSigner.toLowerCase() as Address,
                });
                poolsChanged = true;
                break;
              }
              case "EpochPosted": {
                const a = log.args;
                events.push({
                  kind: "posted",
                  epoch: Number(a.epoch),
                  aggregator: a.aggregator.toLowerCase() as Address,
                  root: a.root,
                  bundleHash: a.bundleHash,
                  txHash: log.transactionHash,
                  block,
                });
                break;
              }
              case "EpochRejected": {
                const a = log.args;
                events.push({
                  kind: "rejected",
                  epoch: Number(a.epoch),
                  end: Number(a.end),
                  challengeId: a.challengeId.toString(),
                  block,
                });
                break;
              }
              case "ChallengeOpened": {
                const a = log.args;
                events.push({
                  kind: "challenged",
                  epoch: Number(a.epoch),
                  challengeId: a.challengeId.toString(),
                  block,
                });
                break;
              }
            }
          }
          for (const [poolId, b] of balances) await tx.updateBalances(poolId, { ...b, block: Number(to) });
          await tx.setCursor(to);
        });
        if (poolsChanged || balances.size > 0) for (const p of await store.loadPools()) pools.set(p);
        if (logs.length > 0)
          logger.debug({ from: Number(from), to: Number(to), logs: logs.length }, "chain logs processed");
        cursor = to;
        metrics.chainSyncedBlock.set(Number(cursor));
      }
      return { head, events, caughtUp: cursor >= target };
    },
  };
}
