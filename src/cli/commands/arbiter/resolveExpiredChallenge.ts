import type { CommandContext } from "../../context/CliDeps.ts";
import { type ChallengeDecisionResult, sendChallengeDecision } from "./sendChallengeDecision.ts";

/**
 * `meshpay arbiter resolve-expired`: resolveExpiredChallenge (anyone, after openedAt + arbiterTimeout): rejects the
 * challenged epoch and every later posted one without slashing anyone and refunds the challenger.
 */
export function resolveExpiredChallenge(
  args: { challengeId: string },
  ctx: CommandContext,
): Promise<ChallengeDecisionResult> {
  return sendChallengeDecision({ challengeId: args.challengeId, decision: "expire" }, ctx);
}
