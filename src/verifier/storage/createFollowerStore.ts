import type { Hex } from "../../protocol/types.ts";
import type { VerifierStore } from "./openVerifierStore.ts";

export type ChallengeResolution = "upheld" | "dismissed" | "expired" | "voided";

/** An EpochPosted event as a posts row. */
export type NewPost = {
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
};

/** A ChallengeOpened event as a challenges row. */
export type NewChallenge = {
  id: number;
  epoch: number;
  challenger: string;
  bond: string;
  evidenceHash: string;
  evidenceUri: string;
  openedBlock: number;
  txHash: string;
  postSeq: number;
};

/**
 * What the chain follower writes: its cursor (the last processed block), the hashes of blocks that held events (for
 * reorg checks), EpochPosted events as posts, rejections, challenges and how they ended, and the rollback of all of
 * it past a reorganised block.
 */
export type FollowerStore = {
  /** Runs `fn` in one transaction (a log range's events, its block hashes and the cursor move together). */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** The last processed block, or undefined before the first poll. */
  getCursor(): Promise<{ number: bigint; hash: Hex | null } | undefined>;
  setCursor(number: bigint, hash: Hex | null): Promise<void>;
  /** Recorded block hashes above `number`, lowest first. */
  listBlocksAfter(number: number): Promise<{ number: number; hash: Hex }[]>;
  putBlock(number: number, hash: Hex): Promise<void>;
  /** Forgets block hashes below `number`. */
  pruneBlocks(number: number): Promise<void>;
  /** Records a post (a second insert of the same id is ignored). */
  insertPost(p: NewPost): Promise<void>;
  /**
   * Marks the posts of epochs [`epoch`, `end`) made before the EpochRejected event at (`block`, `logIndex`) as
   * rejected by `challengeId` (0: a revocation).
   */
  rejectPosts(r: { epoch: number; end: number; challengeId: number; block: number; logIndex: number }): Promise<void>;
  /** Records a challenge (a second insert of the same id is ignored). */
  insertChallenge(c: NewChallenge): Promise<void>;
  resolveChallenge(id: number, status: ChallengeResolution, block: number): Promise<void>;
  /**
   * Undoes everything recorded from block `firstBad` on, in one transaction: its posts (with their audits and
   * ticket usage), rejections, challenges, resolutions and block hashes.
   */
  rollbackFrom(firstBad: number): Promise<void>;
};

/** The follower store on `store`'s engine (its SQL runs on both). */
export function createFollowerStore(store: VerifierStore): FollowerStore {
  const { sql } = store;
  return {
    transaction: (fn) => sql.transaction(fn),
    async getCursor() {
      const row = await sql.get<{ value: string }>("SELECT value FROM kv WHERE key = 'cursor'");
      if (!row) return undefined;
      const v = JSON.parse(row.value) as { number: string; hash: Hex | null };
      return { number: BigInt(v.number), hash: v.hash };
    },
    async setCursor(number, hash) {
      await sql.run(
        "INSERT INTO kv (key, value) VALUES ('cursor', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [JSON.stringify({ number: number.toString(), hash })],
      );
    },
    listBlocksAfter: (number) =>
      sql.all<{ number: number; hash: Hex }>("SELECT number, hash FROM blocks WHERE number > ? ORDER BY number ASC", [
        number,
      ]),
    async putBlock(number, hash) {
      await sql.run(
        "INSERT INTO blocks (number, hash) VALUES (?, ?) ON CONFLICT(number) DO UPDATE SET hash = excluded.hash",
        [number, hash],
      );
    },
    async pruneBlocks(number) {
      await sql.run("DELETE FROM blocks WHERE number < ?", [number]);
    },
    async insertPost(p) {
      await sql.run(
        `INSERT INTO posts (id, epoch, aggregator, root, bundle_hash, bundle_uri, pool_totals, data_hash,
           block_number, block_hash, tx_hash, log_index, posted_at_s, released)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [
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
        ],
      );
    },
    async rejectPosts(r) {
      await sql.run(
        `UPDATE posts SET rejected_by = ?, rejected_block = ? WHERE epoch >= ? AND epoch < ? AND rejected_by IS NULL
           AND (block_number < ? OR (block_number = ? AND log_index < ?))`,
        [r.challengeId, r.block, r.epoch, r.end, r.block, r.block, r.logIndex],
      );
    },
    async insertChallenge(c) {
      await sql.run(
        `INSERT INTO challenges (id, epoch, challenger, bond, evidence_hash, evidence_uri, opened_block, tx_hash,
           status, post_seq)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?) ON CONFLICT DO NOTHING`,
        [c.id, c.epoch, c.challenger, c.bond, c.evidenceHash, c.evidenceUri, c.openedBlock, c.txHash, c.postSeq],
      );
    },
    async resolveChallenge(id, status, block) {
      await sql.run("UPDATE challenges SET status = ?, resolved_block = ? WHERE id = ?", [status, block, id]);
    },
    rollbackFrom: (firstBad) =>
      sql.transaction(async () => {
        const from = "(SELECT id FROM posts WHERE block_number >= ?)";
        await sql.run(`DELETE FROM audits WHERE post_id IN ${from}`, [firstBad]);
        await sql.run(`DELETE FROM ticket_usage WHERE post_id IN ${from}`, [firstBad]);
        await sql.run("DELETE FROM posts WHERE block_number >= ?", [firstBad]);
        await sql.run("UPDATE posts SET rejected_by = NULL, rejected_block = NULL WHERE rejected_block >= ?", [
          firstBad,
        ]);
        await sql.run("DELETE FROM challenges WHERE opened_block >= ?", [firstBad]);
        await sql.run("UPDATE challenges SET status = 'open', resolved_block = NULL WHERE resolved_block >= ?", [
          firstBad,
        ]);
        await sql.run("DELETE FROM blocks WHERE number >= ?", [firstBad]);
      }),
  };
}
