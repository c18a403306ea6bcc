import type { Address, Hex, RewardLeaf, SignedChunkReceipt, SignedViewerTicket } from "../types.ts";

/** The `format` of every epoch bundle's header line (docs/bundle.md). */
export const BUNDLE_FORMAT = "meshpay-bundle";
/** The format version the aggregator writes (docs/bundle.md); readers also read version 1. */
export const BUNDLE_VERSION = 2;
/** The line-oriented NDJSON format of the first epochs (docs/bundle.md, version 1): still read, no longer written. */
export const BUNDLE_V1 = 1;
/** First 8 bytes of a version-2 bundle: ASCII "MPBUNDL" and the version byte 0x02. */
export const BUNDLE_V2_MAGIC: readonly number[] = [0x4d, 0x50, 0x42, 0x55, 0x4e, 0x44, 0x4c, 0x02];
/** Format 3 (docs/bundle.md, "Format 3"): format 2's records extended with the fraud-proof commitments. */
export const BUNDLE_V3 = 3;
/** First 8 bytes of a version-3 bundle: ASCII "MPBUNDL" and the version byte 0x03. */
export const BUNDLE_V3_MAGIC: readonly number[] = [0x4d, 0x50, 0x42, 0x55, 0x4e, 0x44, 0x4c, 0x03];
/** Record type bytes of a version-2 or version-3 bundle (docs/bundle.md, version 2; the same in version 3). */
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

/**
 * A format-3 header (docs/bundle.md, "Format 3"): format 2's fields and the commitments of the post that dataHash v2
 * holds besides the chain's own (docs/fraud-proofs.md, "What the contract stores"), as the aggregator posted them.
 */
export type BundleHeaderV3 = BundleHeader & {
  /** Root hash of the pools tree. */
  poolsRoot: Hex;
  /** Leaves of the pools tree (uint256). */
  poolsCount: bigint;
  /** Root hash of the tickets tree. */
  ticketsRoot: Hex;
  /** Leaves of the tickets tree (uint256). */
  ticketsCount: bigint;
};

/**
 * A format-3 pool record: format 2's fields and the pools-tree leaf's committed values (its `leavesRoot` is derived:
 * the accounts tree over the pool's leaf records, in file order). Token base units.
 */
export type BundlePoolV3 = BundlePool & {
  /** Σ baseAmount of the pool's leaves, as committed. */
  uncappedTotal: bigint;
  /** The balance the pro-rata scaling used (the contract computes it at post), as committed. */
  scaleBalance: bigint;
  /** Leaves of the pool's accounts tree, as committed (uint256). */
  leafCount: bigint;
};

/**
 * A format-3 ticket record: format 2's and the tickets-tree leaf's committed values (its `ticketSignatureHash` and
 * `receiptsOfTicketRoot` are derived: the signature's hash and the tree over the receipts the file places in it).
 */
export type BundleTicketV3 = BundleTicket & {
  /** Bytes of the ticket credited in earlier epochs. */
  bytesBefore: bigint;
  /** Bytes of the ticket credited this epoch, as committed (an honest one is its receipts tree's sum). */
  bytesIn: bigint;
  /** Leaves of its receipts tree, as committed. */
  count: bigint;
  /** The latest earlier epoch with a credited receipt of the ticket; the epoch itself when there is none. */
  prevEpoch: bigint;
};

/**
 * A format-3 receipt record: format 2's and where the post's trees hold it (docs/bundle.md, "Format 3", "Tree
 * order"): the relay receipts tree of a leaf, in file order, and a ticket's receipts tree at a position.
 */
export type BundleReceiptV3 = BundleReceipt & {
  /**
   * The 1-based ticket record whose receipts tree holds the receipt (its ticketHash and poolId are the receipt's);
   * 0: no ticket's receipts tree holds it.
   */
  ticketRecord: number;
  /** Its 0-based index in that ticket's receipts tree (0 when ticketRecord is 0). */
  ticketPosition: number;
  /**
   * The 1-based leaf record whose relay receipts tree holds it; 0: the leaf of the receipt's own (relay, poolId),
   * or none when the bundle has no such leaf.
   */
  creditLeaf: number;
};

/**
 * A format-3 leaf: a claim leaf (version 2) with its epochCommitment preimage (docs/fraud-proofs.md, "New
 * commitments"); the epochCommitment itself is derived (hashEpochCommitment of the fields below). Token base units
 * and bytes.
 */
export type BundleClaimLeaf = {
  account: Address;
  poolId: Hex;
  cumulativeAmount: bigint;
  epochBytes: bigint;
  baseAmount: bigint;
  epochAmount: bigint;
  bonusAmount: bigint;
  /** Root hash of the leaf's relay receipts tree (bytes32(0) for none), as committed. */
  receiptsRoot: Hex;
  /** Leaves of that tree, as committed. */
  receiptCount: bigint;
  prevCumulative: bigint;
};

/** A parsed format-3 leaf record. */
export type BundleLeafV3 = BundleLineNumber & BundleClaimLeaf;

/** A parsed format-3 bundle (parseBundle of a version-3 file gives this shape), records in file order. */
export type BundleV3 = {
  header: BundleHeaderV3;
  pools: (BundleLineNumber & BundlePoolV3)[];
  tickets: BundleTicketV3[];
  receipts: BundleReceiptV3[];
  leaves: BundleLeafV3[];
};

/** One parsed record of a format-3 bundle. */
export type BundleItemV3 =
  | { type: "header"; line: number; header: BundleHeaderV3 }
  | ({ type: "pool" } & BundleLineNumber & BundlePoolV3)
  | ({ type: "ticket" } & BundleTicketV3)
  | ({ type: "receipt" } & BundleReceiptV3)
  | ({ type: "leaf" } & BundleLeafV3)
  | { type: "end"; line: number; receiptCount: number; leafCount: number };

/** A parsed epoch bundle, lines in file order. Hex values are lowercase. */
export type Bundle = {
  header: BundleHeader;
  pools: (BundleLineNumber & BundlePool)[];
  tickets: BundleTicket[];
  receipts: BundleReceipt[];
  leaves: BundleLeaf[];
};

/** One parsed line or record, as readBundleItems yields them (a format-3 file gives BundleItemV3 items). */
export type BundleItem =
  | BundleItemV3
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

/** A format-3 ticket record to write: format 2's row and the tickets-tree leaf's committed values. */
export type BundleTicketRowV3 = BundleTicketRow & {
  bytesBefore: bigint;
  bytesIn: bigint;
  count: bigint;
  prevEpoch: bigint;
};

/** A format-3 receipt record to write (see BundleReceiptV3 for the placement fields). */
export type BundleReceiptRowV3 = BundleReceiptRow & {
  /**
   * Its 0-based index in its ticket's receipts tree, or undefined when no ticket's tree holds it. The writer
   * references the first ticket record of the receipt's ticketHash and poolId (there must be one when defined).
   */
  ticketPosition: number | undefined;
  /** 0: credited to the leaf of its own (relay, poolId) (always, in an honest bundle); k ≥ 1: to leaf record k. */
  creditLeaf: number;
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
