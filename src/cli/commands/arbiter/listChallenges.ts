import { rewardDistributorAbi } from "../../../contracts/abis.ts";
import { connectChain } from "../../chain/connectChain.ts";
import { type ChallengeView, readChallenges } from "../../chain/readChallenge.ts";
import type { CommandContext } from "../../context/CliDeps.ts";

export type ListChallengesResult = {
  /** The latest block's timestamp. */
  chainTime: bigint;
  /** The contract clock (unix time minus paused seconds): deadlines are judged against it. */
  clock: bigint;
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
  const [{ challenges, arbiterTimeout }, chainTime, clock] = await Promise.all([
    readChallenges(chain),
    chain.chainTime(),
    chain.publicClient.readContract({ address: chain.distributor, abi: rewardDistributorAbi, functionName: "clock" }),
  ]);
  return {
    chainTime,
    clock,
    arbiterTimeout,
    all: !!args.all,
    challenges: challenges
      .filter((c) => args.all || c.status === "open")
      .map((c) => ({ ...c, deadlinePassed: clock >= c.deadline })),
  };
}
