import type { Hex } from "../../protocol/types.ts";
import type { EpochPostView } from "../chain/ExplorerChain.ts";

/** The states an epoch goes through, as the timeline shows them. */
export type EpochPhase = "open" | "closed" | "pending" | "challenged" | "proven wrong" | "rejected" | "claimable";

/** One row of the epochs timeline: the chain's view of the epoch, with the aggregator's counts when it answers. */
export type EpochRow = {
  epoch: bigint;
  /** A run of closed epochs not posted yet is one row, from `rangeFrom` to `epoch`. */
  rangeFrom: bigint | null;
  phase: EpochPhase;
  /** What the phase waits for, in chain time (unix seconds): the close, the end of the window, the arbiter. */
  until: bigint | null;
  untilLabel: string | null;
  /** A sentence on why, when the phase alone does not say it (blocked by an earlier challenge, re-posted…). */
  note: string | null;
  post: EpochPostView | null;
  attempts: number;
  root: Hex | null;
  challengeId: bigint | null;
  /** The aggregator's ingest counts (null when it does not answer). */
  receiptCount: number | null;
  bytes: bigint | null;
};
