import { parseEventLogs, type TransactionReceipt } from "viem";
import { rewardDistributorAbi } from "../../contracts/abis.ts";
import type { Address } from "../../protocol/types.ts";

/** What an arbiter decision (or an expiry) did, read back from the events of its transaction. */
export type ChallengeOutcome = {
  /** ChallengeUpheld, ChallengeDismissed, ChallengeExpired or ChallengeVoided. */
  resolution: "upheld" | "dismissed" | "expired" | "voided" | null;
  /** The arbiter account named by ChallengeUpheld / ChallengeDismissed. */
  arbiter: Address | null;
  /** The epochs EpochRejected(epoch, challengeId, end) rejected: [epoch, end), in order. */
  rejectedEpochs: bigint[];
  /** ChallengeDismissed: when the epoch's (not restarted) window ends, on the contract clock. */
  claimableAt?: bigint;
  /** AggregatorSlashed: the aggregator's whole bond, of which `toChallenger` went to the challenger. */
  slashed: { aggregator: Address; bond: bigint; toChallenger: bigint; toTreasury: bigint } | null;
  /** ChallengeVoided: challenges whose post had been rejected, closed by this transaction (bonds credited back). */
  voidedChallenges: bigint[];
  /** BalanceCredited, per account (wei, withdrawable with withdrawBalance()). */
  credited: { account: Address; amount: bigint }[];
};

/** Decodes the distributor's events in `receipt` into a ChallengeOutcome (other contracts' logs are skipped). */
export function decodeChallengeOutcome(receipt: TransactionReceipt, distributor: Address): ChallengeOutcome {
  const out: ChallengeOutcome = {
    resolution: null,
    arbiter: null,
    rejectedEpochs: [],
    slashed: null,
    voidedChallenges: [],
    credited: [],
  };
  for (const event of parseEventLogs({ abi: rewardDistributorAbi, logs: receipt.logs })) {
    if (event.address.toLowerCase() !== distributor.toLowerCase()) continue;
    switch (event.eventName) {
      case "ChallengeUpheld":
        out.resolution = "upheld";
        out.arbiter = event.args.arbiter;
        break;
      case "ChallengeDismissed":
        out.resolution = "dismissed";
        out.arbiter = event.args.arbiter;
        out.claimableAt = event.args.claimableAt;
        break;
      case "ChallengeExpired":
        out.resolution = "expired";
        break;
      case "EpochRejected":
        for (let e = event.args.epoch; e < event.args.end; e++) out.rejectedEpochs.push(e);
        break;
      case "AggregatorSlashed":
        out.slashed = {
          aggregator: event.args.aggregator,
          bond: event.args.bond,
          toChallenger: event.args.toChallenger,
          toTreasury: event.args.bond - event.args.toChallenger,
        };
        break;
      case "ChallengeVoided":
        out.resolution = "voided";
        out.voidedChallenges.push(event.args.challengeId);
        break;
      case "BalanceCredited":
        out.credited.push({ account: event.args.account, amount: event.args.amount });
        break;
    }
  }
  return out;
}
