import type { CommandContext } from "../../context/CliDeps.ts";
import { type ChallengeDecisionResult, sendChallengeDecision } from "./sendChallengeDecision.ts";

/**
 * `meshpay arbiter dismiss`: dismissChallenge (ARBITER_ROLE): the challenger's bond goes to the treasury and the
 * epoch's challenge window starts again.
 */
export function dismissChallenge(args: { challengeId: string }, ctx: CommandContext): Promise<ChallengeDecisionResult> {
  return sendChallengeDecision({ challengeId: args.challengeId, decision: "dismiss" }, ctx);
}
