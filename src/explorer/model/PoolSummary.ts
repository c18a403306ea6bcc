import type { PoolView } from "../chain/ExplorerChain.ts";

/** A pool with what its live epoch posts spent and what its bundles say it bought. */
export type PoolSummary = {
  pool: PoolView;
  /** Per posted (not rejected) epoch: the pool's total and, once its bundle was read, its bytes. */
  perEpoch: { epoch: bigint; spent: bigint; bytes: bigint | null }[];
  spent: bigint;
  /** Bytes of the epochs whose bundle was read (the cost per GB is over these epochs only). */
  bytes: bigint;
  /** Spent on the epochs with known bytes, per 10^9 bytes, in token base units (null without bytes). */
  costPerGB: bigint | null;
};
