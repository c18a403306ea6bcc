import type { BundlePool } from "../../protocol/bundle/types.ts";
import type { Hex } from "../../protocol/types.ts";

/** A bundle's pool (docs/bundle.md: a v1 `pool` line, a v2 pool record): price, bytes and totals in the epoch. */
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
  /** Why the bytes do not read as a bundle (the parser's finding; the hash check stands on its own). */
  malformed: string | null;
};
