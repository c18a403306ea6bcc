import type { BundlePool } from "../bundle/types.ts";
import type { Address, EpochParams, Hex, RewardLeaf, SignedChunkReceipt, SignedViewerTicket } from "../types.ts";
import type { FaultCode } from "./faultCodes.ts";

/** One thing wrong with an epoch: a stable code, a sentence, and the offending items (at most MAX_ITEMS kept). */
export type Finding = {
  code: FaultCode;
  message: string;
  /** How many offending items there were (items may hold fewer). */
  count: number;
  /** JSON-safe descriptions of the offending items. */
  items: unknown[];
};

/** Receipts and tickets counted in earlier epochs for the tickets an audit looks at. */
export type TicketCarry = {
  /** Uniqueness keys already credited (getUniquenessKey). */
  seen: Set<string>;
  /** Bytes already credited per ticketHash. */
  bytes: Map<string, bigint>;
  /** Earlier epochs whose bundle could not be read: cross-epoch checks are incomplete (never a finding by itself). */
  missingEpochs: bigint[];
};

/** A receipt to recompute with: from the bundle, or submitted by a relay in a dispute. */
export type ReceiptInput = { signed: SignedChunkReceipt; source: "bundle" | "dispute"; line?: number };

/** Why a receipt does not count. */
export type ReceiptRejection = {
  receiptId: Hex | null;
  source: "bundle" | "dispute";
  line?: number;
  /** "duplicate" when the only reason is an already-credited uniqueness key (or the same receipt twice). */
  kind: "invalid" | "duplicate";
  errors: { code: string; message: string }[];
  receipt: SignedChunkReceipt;
};

/** The verifier's own recomputation of an epoch from its receipts and the chain. */
export type Recomputation = {
  accepted: { receiptId: Hex; source: "bundle" | "dispute"; signed: SignedChunkReceipt; ticketHash: Hex }[];
  rejected: ReceiptRejection[];
  /** Pool lines as an honest bundle would carry them, sorted by poolId. */
  pools: BundlePool[];
  leaves: RewardLeaf[];
  root: Hex;
  /** What postEpoch should carry: every pool line's total, ascending poolId. */
  poolTotals: { poolId: Hex; amount: bigint }[];
};

export type TicketMap = Map<string, SignedViewerTicket>;

/** The distributor's deployment parameters (config()). Seconds and wei. */
export type DistributorConfig = {
  genesisTime: bigint;
  epochSeconds: bigint;
  graceSeconds: bigint;
  challengeWindow: bigint;
  arbiterTimeout: bigint;
  aggregatorBond: bigint;
  challengerBond: bigint;
  challengerShareBps: bigint;
};

/** One pool's share as posted. */
export type PostedPoolTotal = { poolId: Hex; amount: bigint };

/** One EpochPosted event, with the block it is in. `id` is `<txHash>:<logIndex>`. */
export type PostedEpoch = {
  id: string;
  epoch: bigint;
  aggregator: Address;
  root: Hex;
  bundleHash: Hex;
  bundleURI: string;
  poolTotals: PostedPoolTotal[];
  dataHash: Hex;
  blockNumber: bigint;
  blockHash: Hex;
  txHash: Hex;
  logIndex: number;
  /** Timestamp of the posting block (unix seconds): the challenge window runs from here. */
  postedAt: bigint;
  /**
   * A re-post only (repostEpoch): what it released per pool from the rejected post it replaced (EpochReplaced, same
   * transaction). Those funds were available to the re-post: a pool's available balance is its unallocated balance
   * at snapshotBlock plus its released amount.
   */
  released?: PostedPoolTotal[];
};

/** What an audit reads from the chain; every read is pinned to a block so audits are reproducible. */
export type ChainFacts = {
  chainId: bigint;
  distributor: Address;
  config: DistributorConfig;
  epochParams: EpochParams;
  /** The pool's unallocated balance at `blockNumber`, or undefined when no such pool exists there. */
  unallocatedAt(poolId: Hex, blockNumber: bigint): Promise<bigint | undefined>;
  /** priceAt(poolId, epoch) read at `blockNumber`; undefined when no such pool exists there. */
  priceAt(poolId: Hex, epoch: bigint, blockNumber: bigint): Promise<bigint | undefined>;
  /** ticketSignerAt(poolId, timestamp) read at `blockNumber`; undefined when no such pool exists there. */
  ticketSignerAt(poolId: Hex, timestamp: bigint, blockNumber: bigint): Promise<Address | undefined>;
  /** The block's timestamp, or undefined when the chain has no such block yet. */
  blockTimestamp(blockNumber: bigint): Promise<bigint | undefined>;
};
