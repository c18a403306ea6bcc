import type { CommandContext } from "../../context/CliDeps.ts";
import { type ChallengeDecisionResult, sendChallengeDecision } from "./sendChallengeDecision.ts";

/**
 * `meshpay arbiter uphold`: upholdChallenge (ARBITER_ROLE): rejects the challenged epoch and every later posted one,
 * slashes the epoch's aggregator and pays the challenger.
 */
export function upholdChallenge(args: { challengeId: string }, ctx: CommandContext): Promise<ChallengeDecisionResult> {
  return sendChallengeDecision({ challengeId: args.challengeId, decision: "uphold" }, ctx);
}
