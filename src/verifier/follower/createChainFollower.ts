import type { Logger } from "pino";
import { type Log, parseEventLogs } from "viem";
import { rewardDistributorAbi as distributorAbi } from "../../contracts/abis.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import type { VerifierPublicClient } from "../chain/types.ts";
import { type ChallengeResolution, createFollowerStore } from "../storage/createFollowerStore.ts";
import type { VerifierStore } from "../storage/openVerifierStore.ts";

const followedEvents = [
  "EpochReplaced",
  "EpochPosted",
  "EpochRejected",
  "ChallengeOpened",
  "ChallengeUpheld",
  "ChallengeDismissed",
  "ChallengeExpired",
  "ChallengeVoided",
] as const;

const resolutions = {
  ChallengeUpheld: "upheld",
  ChallengeDismissed: "dismissed",
  ChallengeExpired: "expired",
  ChallengeVoided: "voided",
} as const satisfies Record<string, ChallengeResolution>;

/** Decodes the followed events of a distributor's raw logs (others are left out). */
const parseFollowedLogs = (logs: Log<bigint, number, false>[]) =>
  parseEventLogs({ abi: distributorAbi, eventName: [...followedEvents], logs, strict: true });

type FollowedLog = ReturnType<typeof parseFollowedLogs>[number];

export type FollowerOptions = {
  client: VerifierPublicClient;
  store: VerifierStore;
  distributor: Address;
  /** First block to read (the distributor's deployment block). */
  startBlock: bigint;
  /** Blocks a log must be buried under before it is processed. */
  confirmations: number;
  /** Most blocks per eth_getLogs. */
  logRange?: bigint;
  /** How far back processed blocks are re-checked for reorgs deeper than `confirmations`. */
  reorgDepth?: number;
  logger?: Logger;
};

export type FollowResult = { from: bigint; to: bigint; events: number; reorgedTo?: bigint };

/**
 * Follows the distributor's epoch and challenge events into the store, reorg-safe: only blocks at least
 * `confirmations` deep are read; the last processed block (number and hash) is persisted with the events it
 * produced in one database transaction, so a restart resumes exactly there and catches up; every poll re-checks the
 * hashes of the cursor block and of recent blocks that held events, and on a mismatch rolls the store back to the
 * last block still on the chain (posts, challenges, rejections and resolutions after it are undone) and reads again.
 */
export function createChainFollower(options: FollowerOptions) {
  const { client, store, logger } = options;
  const followerStore = createFollowerStore(store);
  const distributor = options.distributor.toLowerCase() as Address;
  const logRange = options.logRange ?? 2_000n;
  const reorgDepth = options.reorgDepth ?? 64;
  let head = -1n;

  const getCursor = async (): Promise<{ number: bigint; hash: Hex | null }> =>
    (await followerStore.getCursor()) ?? { number: options.startBlock - 1n, hash: null };
  const setCursor = (number: bigint, hash: Hex | null) => followerStore.setCursor(number, hash);

  const blockHash = async (number: bigint): Promise<Hex | null> => {
    try {
      return (await client.getBlock({ blockNumber: number })).hash;
    } catch (err) {
      if ((err as { name?: string }).name === "BlockNotFoundError") return null;
      throw err;
    }
  };

  /** Finds the lowest processed block no longer on the chain; undefined when everything still matches. */
  const findReorg = async (cursor: { number: bigint; hash: Hex | null }): Promise<bigint | undefined> => {
    const checks = await followerStore.listBlocksAfter(Number(cursor.number) - reorgDepth);
    if (cursor.hash) checks.push({ number: Number(cursor.number), hash: cursor.hash });
    for (const c of checks) {
      const actual = await blockHash(BigInt(c.number));
      if (actual !== c.hash) return BigInt(c.number);
    }
    return undefined;
  };

  const rollback = (firstBad: bigint) => followerStore.rollbackFrom(Number(firstBad));

  async function pollOnce(): Promise<FollowResult | undefined> {
    head = await client.getBlockNumber();
    const target = head - BigInt(options.confirmations);
    let cursor = await getCursor();
    const bad = await findReorg(cursor);
    let reorgedTo: bigint | undefined;
    if (bad !== undefined) {
      const to = bad - 1n;
      logger?.warn(
        { firstBadBlock: bad.toString(), rollbackTo: to.toString() },
        "chain reorganisation: rolling back processed events",
      );
      const hash = to >= 0n ? await blockHash(to) : null;
      await followerStore.transaction(async () => {
        await rollback(bad);
        await setCursor(to, hash);
      });
      cursor = await getCursor();
      reorgedTo = to;
    }
    const from = cursor.number + 1n;
    if (from > target) return reorgedTo === undefined ? undefined : { from, to: cursor.number, events: 0, reorgedTo };
    const to = from + logRange - 1n < target ? from + logRange - 1n : target;
    const logs = parseFollowedLogs(await client.getLogs({ address: distributor, fromBlock: from, toBlock: to }));
    const blockInfo = new Map<bigint, { hash: Hex; timestamp: bigint }>();
    for (const n of [...new Set([...logs.map((l) => l.blockNumber), to])]) {
      const block = await client.getBlock({ blockNumber: n });
      blockInfo.set(n, { hash: block.hash, timestamp: block.timestamp });
    }
    for (const l of logs)
      if (l.blockHash !== blockInfo.get(l.blockNumber)!.hash) {
        logger?.warn({ block: l.blockNumber.toString() }, "logs and blocks disagree (reorg in progress): retrying");
        return undefined;
      }
    await followerStore.transaction(async () => {
      released.clear();
      for (const l of logs) await apply(l, blockInfo.get(l.blockNumber)!.timestamp);
      for (const n of new Set(logs.map((l) => l.blockNumber)))
        await followerStore.putBlock(Number(n), blockInfo.get(n)!.hash);
      await followerStore.pruneBlocks(Number(to) - 4 * reorgDepth);
      await setCursor(to, blockInfo.get(to)!.hash);
    });
    if (logs.length > 0)
      logger?.debug({ from: from.toString(), to: to.toString(), events: logs.length }, "processed chain events");
    return { from, to, events: logs.length, ...(reorgedTo === undefined ? {} : { reorgedTo }) };
  }

  /** EpochReplaced of a re-post, by transaction, until its EpochPosted (emitted right after it, same transaction). */
  const released = new Map<string, { poolId: string; amount: string }[]>();

  async function apply(l: FollowedLog, timestamp: bigint): Promise<void> {
    const block = Number(l.blockNumber);
    switch (l.eventName) {
      case "EpochReplaced":
        released.set(
          l.transactionHash,
          l.args.released.map((t) => ({ poolId: t.poolId.toLowerCase(), amount: t.amount.toString() })),
        );
        break;
      case "EpochPosted": {
        const a = l.args;
        const freed = released.get(l.transactionHash);
        released.delete(l.transactionHash);
        await followerStore.insertPost({
          id: `${l.transactionHash}:${l.logIndex}`,
          epoch: Number(a.epoch),
          aggregator: a.aggregator.toLowerCase(),
          root: a.root.toLowerCase(),
          bundleHash: a.bundleHash.toLowerCase(),
          bundleUri: a.bundleURI,
          poolTotals: JSON.stringify(
            a.poolTotals.map((t) => ({ poolId: t.poolId.toLowerCase(), amount: t.amount.toString() })),
          ),
          dataHash: a.dataHash.toLowerCase(),
          blockNumber: block,
          blockHash: l.blockHash,
          txHash: l.transactionHash,
          logIndex: l.logIndex,
          postedAtS: Number(timestamp),
          released: freed ? JSON.stringify(freed) : null,
        });
        break;
      }
      case "EpochRejected":
        await followerStore.rejectPosts({
          epoch: Number(l.args.epoch),
          end: Number(l.args.end),
          challengeId: Number(l.args.challengeId),
          block,
          logIndex: l.logIndex,
        });
        break;
      case "ChallengeOpened":
        await followerStore.insertChallenge({
          id: Number(l.args.challengeId),
          epoch: Number(l.args.epoch),
          challenger: l.args.challenger.toLowerCase(),
          bond: l.args.bond.toString(),
          evidenceHash: l.args.evidenceHash.toLowerCase(),
          evidenceUri: l.args.evidenceURI,
          openedBlock: block,
          txHash: l.transactionHash,
          postSeq: Number(l.args.postSeq),
        });
        break;
      default:
        await followerStore.resolveChallenge(Number(l.args.challengeId), resolutions[l.eventName], block);
    }
  }

  return {
    /** Processes confirmed blocks until caught up (at most `maxRounds` log ranges); returns what was done. */
    async poll(maxRounds = 20): Promise<FollowResult[]> {
      const out: FollowResult[] = [];
      for (let i = 0; i < maxRounds; i++) {
        const r = await pollOnce();
        if (!r) break;
        out.push(r);
        if (r.to >= head - BigInt(options.confirmations)) break;
      }
      return out;
    },
    /** The last processed block. */
    cursor: (): Promise<{ number: bigint; hash: Hex | null }> => getCursor(),
    /** The chain head seen by the last poll. */
    head: () => head,
  };
}

export type ChainFollower = ReturnType<typeof createChainFollower>;
