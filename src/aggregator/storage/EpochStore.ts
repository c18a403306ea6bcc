import type { Hex } from "../../protocol/types.ts";
import type { PrepareEpochResult } from "../epoch/prepareEpoch.ts";
import type { epochPosts, postTransactions } from "./schema.ts";

export type PostState = "prepared" | "submitted" | "mined" | "claimable" | "rejected" | "failed";
export const postStates: readonly PostState[] = ["prepared", "submitted", "mined", "claimable", "rejected", "failed"];

/** One attempt to post an epoch (an epoch_posts row; integers as numbers on both engines). */
export type EpochPost = typeof epochPosts.$inferSelect & { state: PostState };
/** One signed post transaction (a post_transactions row). */
export type PostTransaction = typeof postTransactions.$inferSelect;

/** The EpochData of the rejected post an attempt replaces (amounts as decimal strings), and its dataHash. */
export type ReplacedEpochData = {
  aggregator: Hex;
  bundleHash: Hex;
  poolTotals: { poolId: Hex; amount: string }[];
  dataHash: Hex;
};

/** What insertPrepared records beside the close's result. */
export type PreparedMeta = {
  bundleUri: string;
  snapshotBlock: number;
  previousBundleHash: Hex;
  replaced: ReplacedEpochData | null;
};

/**
 * The posting state machine's records (epoch_posts, post_transactions) and the per-epoch ingest totals, implemented
 * on SQLite (createEpochStore) and PostgreSQL (createPostgresEpochStore). Every multi-row change is one transaction.
 * On PostgreSQL an outage is thrown with code STORAGE_UNAVAILABLE.
 */
export type EpochStore = {
  /** Next attempt number for `epoch`. */
  nextAttempt(epoch: number): Promise<number>;
  /**
   * Records a prepared attempt (and the receipts its close left out); older unsent attempts of the epoch are
   * superseded.
   */
  insertPrepared(r: PrepareEpochResult, meta: PreparedMeta): Promise<void>;
  get(epoch: number, attempt: number): Promise<EpochPost | undefined>;
  /** Every attempt of `epoch`, oldest first. */
  attempts(epoch: number): Promise<EpochPost[]>;
  /** Attempts in `state`, by (epoch, attempt), at most `limit` (default 1000). */
  inState(state: PostState, limit?: number): Promise<EpochPost[]>;
  /** The attempt that is the epoch's root on chain (mined or claimable), if any. */
  live(epoch: number): Promise<EpochPost | undefined>;
  /** The newest epoch's live attempt (the latest root this aggregator has on chain), if any. */
  latestLive(): Promise<EpochPost | undefined>;
  /** Live attempts at or above `epoch` (after a rejection, or a reorg, these are no longer on chain). */
  liveFrom(epoch: number): Promise<EpochPost[]>;
  latestPrepared(epoch: number): Promise<EpochPost | undefined>;
  /** The attempt the API shows for an epoch: the latest one that was not abandoned. */
  current(epoch: number): Promise<EpochPost | undefined>;
  byBundleHash(epoch: number, bundleHash: string): Promise<EpochPost | undefined>;
  /** Records a signed transaction and moves the attempt to submitted, in one transaction, before broadcasting. */
  recordSubmission(epoch: number, attempt: number, t: { txHash: Hex; nonce: number; raw: Hex }): Promise<void>;
  /** The attempt's signed transactions, oldest first. */
  transactions(epoch: number, attempt: number): Promise<PostTransaction[]>;
  /** Marks an attempt mined; any older live attempt of the same epoch was rejected (it was re-posted). */
  markMined(epoch: number, attempt: number, m: { block: number; txHash: Hex; postedAt: number }): Promise<void>;
  markFailed(epoch: number, attempt: number, error: string): Promise<void>;
  markRejected(epoch: number, attempt: number, challengeId?: string): Promise<void>;
  markClaimable(epoch: number, attempt: number): Promise<void>;
  setChallenge(epoch: number, attempt: number, challengeId: string): Promise<void>;
  setError(epoch: number, attempt: number, error: string | null): Promise<void>;
  /** Pools with receipts in `epoch` and their ingest totals (bytes as a number: < 2^53). */
  stats(epoch: number): Promise<{ poolId: Hex; receiptCount: number; bytes: number }[]>;
  /** Ingest totals of epochs in [from, to). */
  statsRange(from: number, to: number): Promise<Map<number, { receiptCount: number; bytes: number }>>;
  /** Attempts per state (for the metrics gauge). */
  countByState(): Promise<Map<string, number>>;
  /** The latest epoch with any post attempt (it was closed), or undefined. */
  latestClosed(): Promise<number | undefined>;
  /** The latest claimable epoch this aggregator posted, or undefined. */
  latestClaimable(): Promise<number | undefined>;
};
