import type { Address, Hex, RewardLeaf, SignedChunkReceipt, SignedViewerTicket } from "../../protocol/types.ts";

/** The `header` line of an epoch bundle (docs/bundle.md), integers as bigint. */
export type BundleHeader = {
  format: string;
  version: number;
  chainId: bigint;
  distributor: Address;
  epoch: bigint;
  genesisTime: bigint;
  epochSeconds: bigint;
  graceSeconds: bigint;
  previousBundleHash: Hex;
  snapshotBlock: bigint;
  root: Hex;
  poolCount: number;
  ticketCount: number;
  receiptCount: number;
  leafCount: number;
};

/** A `pool` line: what the aggregator says it used for one pool. */
export type BundlePool = {
  poolId: Hex;
  pricePerGB: bigint;
  available: bigint;
  epochBytes: bigint;
  rawTotal: bigint;
  total: bigint;
};

/** A `ticket` line. `line` is the 1-based line number in the file. */
export type BundleTicket = { line: number; ticketHash: Hex; signed: SignedViewerTicket };

/** A `receipt` line. */
export type BundleReceipt = { line: number; receiptId: Hex; signed: SignedChunkReceipt };

/** A `leaf` line: exactly the reward-tree leaf values. */
export type BundleLeaf = RewardLeaf & { line: number };

/** A parsed epoch bundle, lines in file order. Hex values are lowercase. */
export type Bundle = {
  header: BundleHeader;
  pools: BundlePool[];
  tickets: BundleTicket[];
  receipts: BundleReceipt[];
  leaves: BundleLeaf[];
};
