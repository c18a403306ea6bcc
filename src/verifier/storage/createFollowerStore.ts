import type { Hex } from "../../protocol/types.ts";
import type { VerifierStore } from "./openVerifierStore.ts";

export type ChallengeResolution = "upheld" | "dismissed" | "expired" | "voided";

export type FollowerStore = ReturnType<typeof createFollowerStore>;

/**
 * What the chain follower writes: its cursor (the last processed block), the hashes of blocks that held events (for
 * reorg checks), EpochPosted events as posts, rejections, challenges and how they ended, and the rollback of all of
 * it past a reorganised block.
 */
export function createFollowerStore(store: VerifierStore) {
  const { sqlite } = store;
  const q = {
    getCursor: sqlite.prepare<[], { value: string }>("SELECT value FROM kv WHERE key = 'cursor'"),
    setCursor: sqlite.prepare<[string]>(
      "INSERT INTO kv (key, value) VALUES ('cursor', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    ),
    blocksAfter: sqlite.prepare<[number], { number: number; hash: Hex }>(
      "SELECT number, hash FROM blocks WHERE number > ? ORDER BY number ASC",
    ),
    putBlock: sqlite.prepare<[number, string]>("INSERT OR REPLACE INTO blocks (number, hash) VALUES (?, ?)"),
    pruneBlocks: sqlite.prepare<[number]>("DELETE FROM blocks WHERE number < ?"),
    insertPost: sqlite.prepare(
      `INSERT OR IGNORE INTO posts (id, epoch, aggregator, root, bundle_hash, bundle_uri, pool_totals, data_hash,
         block_number, block_hash, tx_hash, log_index, posted_at_s, released)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    rejectPosts: sqlite.prepare<[number, number, number, number, number, number, number]>(
      `UPDATE posts SET rejected_by = ?, rejected_block = ? WHERE epoch >= ? AND epoch < ? AND rejected_by IS NULL
         AND (block_number < ? OR (block_number = ? AND log_index < ?))`,
    ),
    insertChallenge: sqlite.prepare(
      `INSERT OR IGNORE INTO challenges (id, epoch, challenger, bond, evidence_hash, evidence_uri, opened_block,
         tx_hash, status, post_seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)`,
    ),
    resolveChallenge: sqlite.prepare<[string, number, number]>(
      "UPDATE challenges SET status = ?, resolved_block = ? WHERE id = ?",
    ),
    postsFrom: sqlite.prepare<[number], { id: string }>("SELECT id FROM posts WHERE block_number >= ?"),
    deleteAudit: sqlite.prepare<[string]>("DELETE FROM audits WHERE post_id = ?"),
    deleteTicketUsage: sqlite.prepare<[string]>("DELETE FROM ticket_usage WHERE post_id = ?"),
    deletePostsFrom: sqlite.prepare<[number]>("DELETE FROM posts WHERE block_number >= ?"),
    unrejectFrom: sqlite.prepare<[number]>(
      "UPDATE posts SET rejected_by = NULL, rejected_block = NULL WHERE rejected_block >= ?",
    ),
    deleteChallengesFrom: sqlite.prepare<[number]>("DELETE FROM challenges WHERE opened_block >= ?"),
    reopenChallengesFrom: sqlite.prepare<[number]>(
      "UPDATE challenges SET status = 'open', resolved_block = NULL WHERE resolved_block >= ?",
    ),
    deleteBlocksFrom: sqlite.prepare<[number]>("DELETE FROM blocks WHERE number >= ?"),
  };

  return {
    /** Runs `fn` in one transaction (a log range's events, its block hashes and the cursor move together). */
    transaction<T>(fn: () => T): T {
      return sqlite.transaction(fn)();
    },
    /** The last processed block, or undefined before the first poll. */
    getCursor(): { number: bigint; hash: Hex | null } | undefined {
      const row = q.getCursor.get();
      if (!row) return undefined;
      const v = JSON.parse(row.value) as { number: string; hash: Hex | null };
      return { number: BigInt(v.number), hash: v.hash };
    },
    setCursor(number: bigint, hash: Hex | null): void {
      q.setCursor.run(JSON.stringify({ number: number.toString(), hash }));
    },
    /** Recorded block hashes above `number`, lowest first. */
    listBlocksAfter: (number: number): { number: number; hash: Hex }[] => q.blocksAfter.all(number),
    putBlock(number: number, hash: Hex): void {
      q.putBlock.run(number, hash);
    },
    /** Forgets block hashes below `number`. */
    pruneBlocks(number: number): void {
      q.pruneBlocks.run(number);
    },
    insertPost(p: {
      id: string;
      epoch: number;
      aggregator: string;
      root: string;
      bundleHash: string;
      bundleUri: string;
      poolTotals: string;
      dataHash: string;
      blockNumber: number;
      blockHash: string;
      txHash: string;
      logIndex: number;
      postedAtS: number;
      /** JSON of what the post's repostEpoch released (EpochReplaced); null for a first post. */
      released: string | null;
    }): void {
      q.insertPost.run(
        p.id,
        p.epoch,
        p.aggregator,
        p.root,
        p.bundleHash,
        p.bundleUri,
        p.poolTotals,
        p.dataHash,
        p.blockNumber,
        p.blockHash,
        p.txHash,
        p.logIndex,
        p.postedAtS,
        p.released,
      );
    },
    /**
     * Marks the posts of epochs [`epoch`, `end`) made before the EpochRejected event at (`block`, `logIndex`) as
     * rejected by `challengeId` (0: a revocation).
     */
    rejectPosts(r: { epoch: number; end: number; challengeId: number; block: number; logIndex: number }): void {
      q.rejectPosts.run(r.challengeId, r.block, r.epoch, r.end, r.block, r.block, r.logIndex);
    },
    insertChallenge(c: {
      id: number;
      epoch: number;
      challenger: string;
      bond: string;
      evidenceHash: string;
      evidenceUri: string;
      openedBlock: number;
      txHash: string;
      postSeq: number;
    }): void {
      q.insertChallenge.run(
        c.id,
        c.epoch,
        c.challenger,
        c.bond,
        c.evidenceHash,
        c.evidenceUri,
        c.openedBlock,
        c.txHash,
        c.postSeq,
      );
    },
    resolveChallenge(id: number, status: ChallengeResolution, block: number): void {
      q.resolveChallenge.run(status, block, id);
    },
    /**
     * Undoes everything recorded from block `firstBad` on, in one transaction: its posts (with their audits and
     * ticket usage), rejections, challenges, resolutions and block hashes.
     */
    rollbackFrom(firstBad: number): void {
      sqlite.transaction(() => {
        for (const { id } of q.postsFrom.all(firstBad)) {
          q.deleteAudit.run(id);
          q.deleteTicketUsage.run(id);
        }
        q.deletePostsFrom.run(firstBad);
        q.unrejectFrom.run(firstBad);
        q.deleteChallengesFrom.run(firstBad);
        q.reopenChallengesFrom.run(firstBad);
        q.deleteBlocksFrom.run(firstBad);
      })();
    },
  };
}
