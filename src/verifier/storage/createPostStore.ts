import type { VerifierStore } from "./openVerifierStore.ts";

export type PostRow = {
  id: string;
  epoch: number;
  aggregator: string;
  root: string;
  bundle_hash: string;
  bundle_uri: string;
  pool_totals: string;
  data_hash: string;
  block_number: number;
  block_hash: string;
  tx_hash: string;
  log_index: number;
  posted_at_s: number;
  rejected_by: number | null;
  rejected_block: number | null;
  released: string | null;
};

export type ChallengeRow = {
  id: number;
  epoch: number;
  challenger: string;
  bond: string;
  evidence_hash: string;
  evidence_uri: string;
  opened_block: number;
  tx_hash: string;
  status: string;
  resolved_block: number | null;
  post_seq: number | null;
};

/** A post's place in the chain: `epoch`, and the block and log index of its EpochPosted event. */
export type PostPosition = { epoch: bigint; blockNumber: bigint; logIndex: number };

/** Reads of what the chain follower recorded: EpochPosted events (posts) and challenges. */
export type PostStore = {
  getPost(id: string): Promise<PostRow | undefined>;
  /** The post of `epoch - 1` that `post` was made on top of (the latest one before it), if any. */
  getPreviousPost(post: PostPosition): Promise<PostRow | undefined>;
  /** The live (not rejected) post of `epoch`, if any. */
  getActivePost(epoch: bigint): Promise<PostRow | undefined>;
  /** The live post of `epoch`, else its latest post. */
  getLatestPost(epoch: bigint): Promise<PostRow | undefined>;
  /** Every live post of `epoch` and later epochs, in chain order. */
  listLivePostsFrom(epoch: bigint): Promise<PostRow[]>;
  /** The `limit` most recent posts, newest first. */
  listRecentPosts(limit: number): Promise<PostRow[]>;
  /** The `limit` posts that precede (block `blockNumber`, log `logIndex`) in chain order, newest first. */
  listPostsBefore(before: { blockNumber: number; logIndex: number }, limit: number): Promise<PostRow[]>;
  /**
   * The post each epoch in [`fromEpoch`, `post.epoch`) had when `post` was made: the latest post of that epoch
   * before it in chain order.
   */
  listBasisPosts(fromEpoch: bigint, post: PostPosition): Promise<Pick<PostRow, "id" | "epoch">[]>;
  getChallenge(id: number): Promise<ChallengeRow | undefined>;
};

/** The post store on `store`'s engine (its SQL runs on both). */
export function createPostStore(store: VerifierStore): PostStore {
  const { sql } = store;
  return {
    getPost: (id) => sql.get<PostRow>("SELECT * FROM posts WHERE id = ?", [id]),
    getPreviousPost: (post) => {
      const block = Number(post.blockNumber);
      return sql.get<PostRow>(
        `SELECT * FROM posts WHERE epoch = ? AND (block_number < ? OR (block_number = ? AND log_index < ?))
         ORDER BY block_number DESC, log_index DESC LIMIT 1`,
        [Number(post.epoch) - 1, block, block, post.logIndex],
      );
    },
    getActivePost: (epoch) =>
      sql.get<PostRow>(
        "SELECT * FROM posts WHERE epoch = ? AND rejected_by IS NULL ORDER BY block_number DESC, log_index DESC LIMIT 1",
        [Number(epoch)],
      ),
    getLatestPost: (epoch) =>
      sql.get<PostRow>(
        `SELECT * FROM posts WHERE epoch = ?
         ORDER BY (rejected_by IS NULL) DESC, block_number DESC, log_index DESC LIMIT 1`,
        [Number(epoch)],
      ),
    listLivePostsFrom: (epoch) =>
      sql.all<PostRow>(
        `SELECT * FROM posts WHERE epoch >= ? AND rejected_by IS NULL
         ORDER BY epoch ASC, block_number ASC, log_index ASC`,
        [Number(epoch)],
      ),
    listRecentPosts: (limit) =>
      sql.all<PostRow>("SELECT * FROM posts ORDER BY block_number DESC, log_index DESC LIMIT ?", [limit]),
    listPostsBefore: (before, limit) =>
      sql.all<PostRow>(
        `SELECT * FROM posts WHERE block_number < ? OR (block_number = ? AND log_index < ?)
         ORDER BY block_number DESC, log_index DESC LIMIT ?`,
        [before.blockNumber, before.blockNumber, before.logIndex, limit],
      ),
    listBasisPosts(fromEpoch, post) {
      const block = Number(post.blockNumber);
      return sql.all<Pick<PostRow, "id" | "epoch">>(
        `SELECT p.id, p.epoch FROM posts p
         WHERE p.epoch >= ? AND p.epoch < ? AND (p.block_number < ? OR (p.block_number = ? AND p.log_index < ?))
           AND NOT EXISTS (SELECT 1 FROM posts q WHERE q.epoch = p.epoch
             AND (q.block_number > p.block_number OR (q.block_number = p.block_number AND q.log_index > p.log_index))
             AND (q.block_number < ? OR (q.block_number = ? AND q.log_index < ?)))`,
        [Number(fromEpoch), Number(post.epoch), block, block, post.logIndex, block, block, post.logIndex],
      );
    },
    getChallenge: (id) => sql.get<ChallengeRow>("SELECT * FROM challenges WHERE id = ?", [id]),
  };
}
