import type { PostStep } from "../../src/aggregator/posting/createPoster.ts";

/**
 * Points of the posting state machine where a test makes the aggregator exit abruptly (SIGKILL, as a crash
 * would), and the poster step each one follows.
 */
export const crashPoints = {
  "after-submit-recorded": "recorded",
  "after-broadcast": "broadcast",
} as const satisfies Record<string, PostStep>;

export type CrashPoint = keyof typeof crashPoints;
