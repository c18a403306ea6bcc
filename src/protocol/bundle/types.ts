import type { Address, Hex, RewardLeaf, SignedChunkReceipt, SignedViewerTicket } from "../types.ts";

/** The `format` of every epoch bundle's header line (docs/bundle.md). */
export const BUNDLE_FORMAT = "meshpay-bundle";
/** The format version the aggregator writes (docs/bundle.md); readers also read version 1. */
export const BUNDLE_VERSION = 2;
/** The line-oriented NDJSON format of the first epochs (docs/bundle.md, version 1): still read, no longer written. */
export const BUNDLE_V1 = 1;
/** First 8 bytes of a version-2 bundle: ASCII "MPBUNDL" and the version byte 0x02. */
export const BUNDLE_V2_MAGIC: readonly number[] = [0x4d, 0x50, 0x42, 0x55, 0x4e, 0x44, 0x4c, 0x02];
/** Record type bytes of a version-2 bundle (docs/bundle.md, version 2). */
export const BUNDLE_RECORD = { header: 1, pool: 2, ticket: 3, receipt: 4, leaf: 5, end: 6 } as const;

/** The `header` line of an epoch bundle (docs/bundle.md), integers as bigint, counts as numbers. */
export type BundleHeader = {
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

/** The position of a parsed line: 1-based line number in the file. */
export type BundleLineNumber = { line: number };

/** A parsed `ticket` line. */
export type BundleTicket = BundleLineNumber & { ticketHash: Hex; signed: SignedViewerTicket };

/** A parsed `receipt` line. */
export type BundleReceipt = BundleLineNumber & { receiptId: Hex; signed: SignedChunkReceipt };

/** A parsed `leaf` line: exactly the reward-tree leaf values. */
export type BundleLeaf = BundleLineNumber & RewardLeaf;

/** A parsed epoch bundle, lines in file order. Hex values are lowercase. */
export type Bundle = {
  header: BundleHeader;
  pools: (BundleLineNumber & BundlePool)[];
  tickets: BundleTicket[];
  receipts: BundleReceipt[];
  leaves: BundleLeaf[];
};

/** One parsed line, as readBundleItems yields them. */
export type BundleItem =
  | { type: "header"; line: number; header: BundleHeader }
  | ({ type: "pool" } & BundleLineNumber & BundlePool)
  | ({ type: "ticket" } & BundleTicket)
  | ({ type: "receipt" } & BundleReceipt)
  | ({ type: "leaf" } & BundleLeaf)
  | { type: "end"; line: number; receiptCount: number; leafCount: number };

/**
 * A ticket line to write, its fields already in their JSON text form (database rows; a bundle can hold millions of
 * lines, so the writer does not re-encode). Hex lowercase, uint64 as decimal strings.
 */
export type BundleTicketRow = {
  ticketHash: string;
  poolId: string;
  streamId: string;
  viewer: string;
  notBefore: string;
  notAfter: string;
  maxBytes: string;
  signature: string;
};

/** A receipt line to write, fields in their JSON text form (see BundleTicketRow). */
export type BundleReceiptRow = {
  receiptId: string;
  poolId: string;
  ticketHash: string;
  relay: string;
  segment: string;
  chunk: number;
  chunkHash: string;
  size: number;
  deliveredAt: string;
  signature: string;
};

/** JSON form of a reward leaf (a bundle's leaf line without `type`; the aggregator's and verifier's leaf APIs). */
export type RewardLeafJson = {
  account: Hex;
  poolId: Hex;
  cumulativeAmount: string;
  epochBytes: string;
  epochAmount: string;
  receiptsRoot: Hex;
};
