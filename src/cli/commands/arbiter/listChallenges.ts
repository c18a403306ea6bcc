import { connectChain } from "../../chain/connectChain.ts";
import { type ChallengeView, readChallenges } from "../../chain/readChallenge.ts";
import type { CommandContext } from "../../context/CliDeps.ts";

export type ListChallengesResult = {
  /** The latest block's timestamp: deadlines are judged against it. */
  chainTime: bigint;
  arbiterTimeout: bigint;
  /** Whether resolved challenges are listed too (--all). */
  all: boolean;
  challenges: (ChallengeView & { deadlinePassed: boolean })[];
};

/**
 * `meshpay arbiter list`: the open challenges (every challenge with --all), from the chain alone: ChallengeOpened
 * events since the deployment block joined with challengeInfo(), each with its arbiter deadline.
 */
export async function listChallenges(args: { all?: boolean }, ctx: CommandContext): Promise<ListChallengesResult> {
  const chain = await connectChain(ctx);
  const [{ challenges, arbiterTimeout }, chainTime] = await Promise.all([readChallenges(chain), chain.chainTime()]);
  return {
    chainTime,
    arbiterTimeout,
    all: !!args.all,
    challenges: challenges
      .filter((c) => args.all || c.status === "open")
      .map((c) => ({ ...c, deadlinePassed: chainTime >= c.deadline })),
  };
}
