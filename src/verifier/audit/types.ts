import type { Hex, RewardLeaf, SignedChunkReceipt, SignedViewerTicket } from "../../protocol/types.ts";
import type { BundlePool } from "../bundle/types.ts";
import type { FaultCode } from "../errors/codes.ts";

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
