import type { Address, Hex } from "../../protocol/types.ts";
import type { PostedEpoch } from "../chain/types.ts";
import type { PostRow } from "./createPostStore.ts";

/** A posts row as the EpochPosted event it records. */
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
    ...(r.released === null
      ? {}
      : {
          released: (JSON.parse(r.released) as { poolId: Hex; amount: string }[]).map((t) => ({
            poolId: t.poolId,
            amount: BigInt(t.amount),
          })),
        }),
  };
}
