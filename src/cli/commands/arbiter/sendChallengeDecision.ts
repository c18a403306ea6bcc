import { rewardDistributorAbi } from "../../../contracts/abis.ts";
import type { Address, Hex } from "../../../protocol/types.ts";
import { connectChain } from "../../chain/connectChain.ts";
import { type ChallengeOutcome, decodeChallengeOutcome } from "../../chain/decodeChallengeOutcome.ts";
import { parseChallengeId } from "../../chain/parseArguments.ts";
import { type ChallengeStatus, readChallenge } from "../../chain/readChallenge.ts";
import { sendContractTransaction } from "../../chain/sendContractTransaction.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { CliError } from "../../errors/CliError.ts";
import { toCliError } from "../../errors/toCliError.ts";
import { formatTimestamp } from "../../format/formatTime.ts";
import { resolveSigner } from "../../keys/resolveSigner.ts";

export type ChallengeDecision = "uphold" | "dismiss" | "expire";

export type ChallengeDecisionResult = ChallengeOutcome & {
  decision: ChallengeDecision;
  challengeId: bigint;
  epoch: bigint;
  challenger: Address;
  /** Wei the challenger bonded. */
  bond: bigint;
  /** The account that sent the transaction. */
  sender: Address;
  transaction: Hex;
  treasury: Address;
  /** Wei credited to the challenger by this transaction (bond back and slashing share, or the refund). */
  challengerCredited: bigint;
  /** Wei credited to the treasury (the slashed bond's rest, or the forfeited challenger bond). */
  treasuryCredited: bigint;
  /**
   * dismiss: when the epoch's challenge window ends (contract clock; ChallengeDismissed.claimableAt). A dismissal no
   * longer restarts the window: the epoch is claimable then unless another challenge on it or before it is open.
   */
  windowEndsAt: bigint | null;
};

const FUNCTION = { uphold: "upholdChallenge", dismiss: "dismissChallenge", expire: "resolveExpiredChallenge" } as const;
const DOING = { uphold: "Upholding", dismiss: "Dismissing", expire: "Resolving the expired" } as const;

/**
 * Sends an arbiter decision on a challenge and reports what it did from the transaction's events:
 * upholdChallenge / dismissChallenge (ARBITER_ROLE) or resolveExpiredChallenge (anyone, once openedAt +
 * arbiterTimeout has passed on the contract clock, or at once for a void challenge whose post was rejected). Each
 * takes the challenge id alone. Simulated first, so a missing role, a closed or void challenge or an early expiry is
 * refused with the contract's own error in a sentence (exit 4).
 */
export async function sendChallengeDecision(
  args: { challengeId: string; decision: ChallengeDecision },
  ctx: CommandContext,
): Promise<ChallengeDecisionResult> {
  const { decision } = args;
  const challengeId = parseChallengeId(args.challengeId);
  const chain = await connectChain(ctx);
  const challenge = await readChallenge(chain, challengeId);
  const signer = await resolveSigner(
    ctx,
    decision === "expire" ? "Resolving an expired challenge" : `${DOING[decision]} a challenge`,
  );

  const doing = `${DOING[decision]} challenge #${challengeId}`;
  let sent;
  try {
    sent = await sendContractTransaction(ctx, chain, signer, {
      address: chain.distributor,
      abi: rewardDistributorAbi,
      functionName: FUNCTION[decision],
      args: [challengeId],
      doing,
    });
  } catch (err) {
    throw withHint(toCliError(err, undefined, doing), challenge.status, challenge.deadline);
  }
  const outcome = decodeChallengeOutcome(sent.receipt, chain.distributor);
  const treasury = await chain.publicClient.readContract({
    address: chain.distributor,
    abi: rewardDistributorAbi,
    functionName: "treasuryAddress",
  });
  const creditedTo = (account: Address) =>
    outcome.credited
      .filter((c) => c.account.toLowerCase() === account.toLowerCase())
      .reduce((sum, c) => sum + c.amount, 0n);
  const windowEndsAt = decision === "dismiss" ? (outcome.claimableAt ?? null) : null;
  const sameAccount = treasury.toLowerCase() === challenge.challenger.toLowerCase();
  return {
    ...outcome,
    decision,
    challengeId,
    epoch: challenge.epoch,
    challenger: challenge.challenger,
    bond: challenge.bond,
    sender: signer.account.address,
    transaction: sent.hash,
    treasury,
    challengerCredited: creditedTo(challenge.challenger),
    treasuryCredited: sameAccount ? 0n : creditedTo(treasury),
    windowEndsAt,
  };
}

/** The decoded revert, with what to do about the refusals an arbiter meets. */
function withHint(err: CliError, status: ChallengeStatus, deadline: bigint): CliError {
  if (err.code !== "CONTRACT_REVERTED") return err;
  const name = (err.data as { error?: string } | undefined)?.error;
  const hint =
    name === "AccessControlUnauthorizedAccount"
      ? "Only an account holding ARBITER_ROLE may uphold or dismiss a challenge: sign with the arbiter's key " +
        "(MESHPAY_PRIVATE_KEY or --keystore). After the arbiter's deadline anyone may run `meshpay arbiter " +
        "resolve-expired`."
      : name === "ChallengeNotOpen"
        ? `It is ${status === "none" ? "not open" : `already ${status}`}; \`meshpay arbiter list\` shows the open ` +
          `challenges.`
        : name === "ChallengeNotExpired"
          ? `Until ${formatTimestamp(deadline)} only the arbiter may resolve it (meshpay arbiter uphold|dismiss); ` +
            `try again after that.`
          : name === "ChallengeVoid"
            ? "The post it disputes was rejected by another decision: the challenge is void. Anyone may close it " +
              `and refund its bond: \`meshpay arbiter resolve-expired <id>\`.`
            : undefined;
  if (!hint) return err;
  return new CliError(err.code, err.shortMessage, { cause: err.cause, hint, ...(err.data ? { data: err.data } : {}) });
}
