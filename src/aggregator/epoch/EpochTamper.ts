import type { BundleReceiptRow as BundleReceipt } from "../../protocol/bundle/types.ts";
import type { PoolTotal, RewardPool } from "../../protocol/rewards/computeEpochRewards.ts";
import type { Hex, Keccak256, RewardLeaf } from "../../protocol/types.ts";
import type { EpochSnapshot } from "../storage/EpochSnapshot.ts";

/**
 * A seam of prepareEpoch for tests and demos that need a wrong epoch (a verifier has something to catch). The
 * production aggregator never fills it. prepareEpoch calls each hook a tamper has, in this order, on the epoch it
 * is computing, before the bundle is written; a hook returns a description of what it changed (or undefined), and
 * the last description is the result's `tampered` (logged, stored with the attempt). New kinds of wrong epochs
 * (e.g. for on-chain fraud proofs) are new tampers over these hooks, not changes to prepareEpoch.
 */
export type EpochTamper = {
  /** Pass 1, per accepted receipt: false leaves it out of the epoch (credits, tickets and bundle). */
  keepReceipt?(receipt: { receiptId: Hex; poolId: Hex; relay: Hex; size: number }): boolean;
  /** After bytes are credited, before rewards: may change credited bytes and list extra receipts. */
  credits?(draft: {
    credits: EpochCredit[];
    /** Lists `receipt` in the bundle (in receiptId order) and counts it; credit it through `credits` if wanted. */
    addReceipt(receipt: BundleReceipt): void;
  }): string | undefined;
  /** After rewards, before the tree: may change the leaves and the pool totals that will be posted. */
  leaves?(draft: { leaves: RewardLeaf[]; poolTotals: PoolTotal[]; pools: readonly RewardPool[] }): string | undefined;
  /** After the file is written: the bundleHash to post instead of the file's, and whether the bundle is served. */
  publish?(file: { fileHash: Hex; path: string }): { bundleHash?: Hex; servable?: boolean; note?: string };
};

/**
 * Bytes credited to one (account, pool) in the epoch, and the receipts its receiptsRoot covers (a close with a
 * `credits` hook holds them all for it; without one, each leaf's ids are dropped once its root is computed).
 */
export type EpochCredit = { account: Hex; poolId: Hex; bytes: number; receiptIds: Hex[] };

/**
 * What a tamper factory gets: the epoch being prepared and a read-only handle on its database snapshot (either engine;
 * its queries are async).
 */
export type EpochTamperContext = {
  epoch: number;
  attempt: number;
  chainId: number;
  distributor: Hex;
  keccak: Keccak256;
  snapshot: EpochSnapshot;
};

/**
 * Where a tamper comes from. A function cannot cross the epoch close's worker boundary, so the seam is a module
 * (`module`: an absolute file: URL) whose export `createEpochTamper(options, context)` returns the tamper;
 * `options` is any JSON value, passed through.
 */
export type EpochTamperRef = { module: string; options: unknown };

/** The export an EpochTamperRef's module must have. */
export type EpochTamperFactory = (
  options: unknown,
  context: EpochTamperContext,
) => EpochTamper | undefined | Promise<EpochTamper | undefined>;
