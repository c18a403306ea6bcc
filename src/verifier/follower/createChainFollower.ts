import type { Logger } from "pino";
import { getAbiItem, type Log } from "viem";
import { rewardDistributorAbi as distributorAbi } from "../../contracts/abis.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import type { VerifierPublicClient } from "../chain/types.ts";
import type { VerifierStore } from "../storage/openVerifierStore.ts";

const followedEvents = [
  getAbiItem({ abi: distributorAbi, name: "EpochPosted" }),
  getAbiItem({ abi: distributorAbi, name: "EpochRejected" }),
  getAbiItem({ abi: distributorAbi, name: "ChallengeOpened" }),
  getAbiItem({ abi: distributorAbi, name: "ChallengeUpheld" }),
  getAbiItem({ abi: distributorAbi, name: "ChallengeDismissed" }),
  getAbiItem({ abi: distributorAbi, name: "ChallengeExpired" }),
  getAbiItem({ abi: distributorAbi, name: "ChallengeVoided" }),
] as const;

type FollowedLog = Log<bigint, number, false, undefined, true, typeof followedEvents>;

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
 * produced in one SQLite transaction, so a restart resumes exactly there and catches up; every poll re-checks the
 * hashes of the cursor block and of recent blocks that held events, and on a mismatch rolls the store back to the
 * last block still on the chain (posts, challenges, rejections and resolutions after it are undone) and reads again.
 */
export function createChainFollower(options: FollowerOptions) {
  const { client, store, logger } = options;
  const { sqlite } = store;
  const distributor = options.distributor.toLowerCase() as Address;
  const logRange = options.logRange ?? 2_000n;
  const reorgDepth = options.reorgDepth ?? 64;
  let head = -1n;

  const getCursor = (): { number: bigint; hash: Hex | null } => {
    const row = sqlite.prepare("SELECT value FROM kv WHERE key = 'cursor'").get() as { value: string } | undefined;
    if (!row) return { number: options.startBlock - 1n, hash: null };
    const v = JSON.parse(row.value) as { number: string; hash: Hex };
    return { number: BigInt(v.number), hash: v.hash };
  };
  const setCursor = (number: bigint, hash: Hex | null) =>
    sqlite
      .prepare("INSERT INTO kv (key, value) VALUES ('cursor', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .run(JSON.stringify({ number: number.toString(), hash }));

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
    const checks = sqlite
      .prepare("SELECT number, hash FROM blocks WHERE number > ? ORDER BY number ASC")
      .all(Number(cursor.number) - reorgDepth) as { number: number; hash: Hex }[];
    if (cursor.hash) checks.push({ number: Number(cursor.number), hash: cursor.hash });
    for (const c of checks) {
      const actual = await blockHash(BigInt(c.number));
      if (actual !== c.hash) return BigInt(c.number);
    }
    return undefined;
  };

  const rollback = (firstBad: bigint) => {
    const b = Number(firstBad);
    sqlite.transaction(() => {
      const gone = sqlite.prepare("SELECT id FROM posts WHERE block_number >= ?").all(b) as { id: string }[];
      for (const { id } of gone) {
        sqlite.prepare("DELETE FROM audits WHERE post_id = ?").run(id);
        sqlite.prepare("DELETE FROM ticket_usage WHERE post_id = ?").run(id);
      }
      sqlite.prepare("DELETE FROM posts WHERE block_number >= ?").run(b);
      sqlite.prepare("UPDATE posts SET rejected_by = NULL, rejected_block = NULL WHERE rejected_block >= ?").run(b);
      sqlite.prepare("DELETE FROM challenges WHERE opened_block >= ?").run(b);
      sqlite.prepare("UPDATE challenges SET status = 'open', resolved_block = NULL WHERE resolved_block >= ?").run(b);
      sqlite.prepare("DELETE FROM blocks WHERE number >= ?").run(b);
    })();
  };

  async function pollOnce(): Promise<FollowResult | undefined> {
    head = await client.getBlockNumber();
    const target = head - BigInt(options.confirmations);
    let cursor = getCursor();
    const bad = await findReorg(cursor);
    let reorgedTo: bigint | undefined;
    if (bad !== undefined) {
      const to = bad - 1n;
      logger?.warn(
        { firstBadBlock: bad.toString(), rollbackTo: to.toString() },
        "chain reorganisation: rolling back processed events",
      );
      rollback(bad);
      setCursor(to, to >= 0n ? await blockHash(to) : null);
      cursor = getCursor();
      reorgedTo = to;
    }
    const from = cursor.number + 1n;
    if (from > target) return reorgedTo === undefined ? undefined : { from, to: cursor.number, events: 0, reorgedTo };
    const to = from + logRange - 1n < target ? from + logRange - 1n : target;
    const logs = (await client.getLogs({
      address: distributor,
      events: followedEvents,
      fromBlock: from,
      toBlock: to,
      strict: true,
    })) as FollowedLog[];
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
    sqlite.transaction(() => {
      for (const l of logs) apply(l, blockInfo.get(l.blockNumber)!.timestamp);
      for (const n of new Set(logs.map((l) => l.blockNumber)))
        sqlite
          .prepare("INSERT OR REPLACE INTO blocks (number, hash) VALUES (?, ?)")
          .run(Number(n), blockInfo.get(n)!.hash);
      sqlite.prepare("DELETE FROM blocks WHERE number < ?").run(Number(to) - 4 * reorgDepth);
      setCursor(to, blockInfo.get(to)!.hash);
    })();
    if (logs.length > 0)
      logger?.debug({ from: from.toString(), to: to.toString(), events: logs.length }, "processed chain events");
    return { from, to, events: logs.length, ...(reorgedTo === undefined ? {} : { reorgedTo }) };
  }

  function apply(l: FollowedLog, timestamp: bigint): void {
    const block = Number(l.blockNumber);
    switch (l.eventName) {
      case "EpochPosted": {
        const a = l.args;
        sqlite
          .prepare(
            `INSERT OR IGNORE INTO posts (id, epoch, aggregator, root, bundle_hash, bundle_uri, pool_totals, data_hash, block_number, block_hash, tx_hash, log_index, posted_at_s)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            `${l.transactionHash}:${l.logIndex}`,
            Number(a.epoch),
            a.aggregator.toLowerCase(),
            a.root.toLowerCase(),
            a.bundleHash.toLowerCase(),
            a.bundleURI,
            JSON.stringify(a.poolTotals.map((t) => ({ poolId: t.poolId.toLowerCase(), amount: t.amount.toString() }))),
            a.dataHash.toLowerCase(),
            block,
            l.blockHash,
            l.transactionHash,
            l.logIndex,
            Number(timestamp),
          );
        break;
      }
      case "EpochRejected":
        sqlite
          .prepare(
            `UPDATE posts SET rejected_by = ?, rejected_block = ? WHERE epoch = ? AND rejected_by IS NULL
               AND (block_number < ? OR (block_number = ? AND log_index < ?))`,
          )
          .run(Number(l.args.challengeId), block, Number(l.args.epoch), block, block, l.logIndex);
        break;
      case "ChallengeOpened":
        sqlite
          .prepare(
            `INSERT OR IGNORE INTO challenges (id, epoch, challenger, bond, evidence_hash, evidence_uri, opened_block, tx_hash, status)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open')`,
          )
          .run(
            Number(l.args.challengeId),
            Number(l.args.epoch),
            l.args.challenger.toLowerCase(),
            l.args.bond.toString(),
            l.args.evidenceHash.toLowerCase(),
            l.args.evidenceURI,
            block,
            l.transactionHash,
          );
        break;
      default: {
        const status = {
          ChallengeUpheld: "upheld",
          ChallengeDismissed: "dismissed",
          ChallengeExpired: "expired",
          ChallengeVoided: "voided",
        }[l.eventName];
        sqlite
          .prepare("UPDATE challenges SET status = ?, resolved_block = ? WHERE id = ?")
          .run(status, block, Number(l.args.challengeId));
      }
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
    cursor: () => getCursor(),
    /** The chain head seen by the last poll. */
    head: () => head,
  };
}

export type ChainFollower = ReturnType<typeof createChainFollower>;
