import type { Address, Hex } from "../../protocol/types.ts";
import type { PostedEpoch } from "../chain/types.ts";
import type { VerifierStore } from "./openVerifierStore.ts";

// Queries over the followed EpochPosted events (the posts table).

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
};

export function rowToPost(r: PostRow): PostedEpoch {
  return {
    id: r.id,
    epoch: BigInt(r.epoch),
    aggregator: r.aggregator as Address,
    root: r.root as Hex,
    bundleHash: r.bundle_hash as Hex,
    bundleURI: r.bundle_uri,
    poolTotals: (JSON.parse(r.pool_totals) as { poolId: Hex; amount: string }[]).map((t) => ({
      poolId: t.poolId,
      amount: BigInt(t.amount),
    })),
    dataHash: r.data_hash as Hex,
    blockNumber: BigInt(r.block_number),
    blockHash: r.block_hash as Hex,
    txHash: r.tx_hash as Hex,
    logIndex: r.log_index,
    postedAt: BigInt(r.posted_at_s),
  };
}

export function getPostRow(store: VerifierStore, id: string): PostRow | undefined {
  return store.sqlite.prepare("SELECT * FROM posts WHERE id = ?").get(id) as PostRow | undefined;
}

/** The post of `epoch - 1` that `post` was made on top of (the latest one before it), if any. */
export function getPreviousPostRow(
  store: VerifierStore,
  post: { epoch: bigint; blockNumber: bigint; logIndex: number },
): PostRow | undefined {
  return store.sqlite
    .prepare(
      `SELECT * FROM posts WHERE epoch = ? AND (block_number < ? OR (block_number = ? AND log_index < ?))
       ORDER BY block_number DESC, log_index DESC LIMIT 1`,
    )
    .get(Number(post.epoch) - 1, Number(post.blockNumber), Number(post.blockNumber), post.logIndex) as
    | PostRow
    | undefined;
}

/** The live (not rejected) post of `epoch`, if any. */
export function getActivePostRow(store: VerifierStore, epoch: bigint): PostRow | undefined {
  return store.sqlite
    .prepare(
      "SELECT * FROM posts WHERE epoch = ? AND rejected_by IS NULL ORDER BY block_number DESC, log_index DESC LIMIT 1",
    )
    .get(Number(epoch)) as PostRow | undefined;
}
