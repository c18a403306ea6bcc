import { parseEventLogs, type TransactionReceipt } from "viem";
import { rewardDistributorAbi } from "../../contracts/abis.ts";
import type { Address } from "../../protocol/types.ts";

/** What an arbiter decision (or an expiry) did, read back from the events of its transaction. */
export type ChallengeOutcome = {
  /** ChallengeUpheld, ChallengeDismissed or ChallengeExpired. */
  resolution: "upheld" | "dismissed" | "expired" | null;
  /** The arbiter account named by ChallengeUpheld / ChallengeDismissed. */
  arbiter: Address | null;
  /** EpochRejected, in order. */
  rejectedEpochs: bigint[];
  /** AggregatorSlashed: the aggregator's whole bond, of which `toChallenger` went to the challenger. */
  slashed: { aggregator: Address; bond: bigint; toChallenger: bigint; toTreasury: bigint } | null;
  /** Later challenges voided by the rejection (their bonds credited back). */
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
        break;
      case "ChallengeExpired":
        out.resolution = "expired";
        break;
      case "EpochRejected":
        out.rejectedEpochs.push(event.args.epoch);
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
        out.voidedChallenges.push(event.args.challengeId);
        break;
      case "BalanceCredited":
        out.credited.push({ account: event.args.account, amount: event.args.amount });
        break;
    }
  }
  return out;
}
