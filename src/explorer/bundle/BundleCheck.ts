import type { BundlePool } from "../../protocol/bundle/types.ts";
import type { Hex } from "../../protocol/types.ts";

/** A bundle's `pool` line (docs/bundle.md): the pool's price, bytes and totals in the epoch. */
export type BundlePoolLine = BundlePool;

/** What streaming a bundle once tells: its keccak256 against the posted hash, its header counts and pool lines. */
export type BundleCheck = {
  url: string;
  bytes: number;
  hash: Hex;
  postedHash: Hex;
  matches: boolean;
  header: { epoch: number; root: Hex; receiptCount: number; leafCount: number; ticketCount: number } | null;
  pools: BundlePoolLine[];
  /** Why the lines do not read as a bundle (the hash check stands on its own). */
  malformed: string | null;
};
