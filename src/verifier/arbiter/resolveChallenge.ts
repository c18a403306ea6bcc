import { decodeEventLog } from "viem";
import { rewardDistributorAbi as distributorAbi } from "../../contracts/abis.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import type { VerifierPublicClient, VerifierWalletClient } from "../chain/types.ts";

/**
 * Sends a decision on a challenge: "uphold" (upholdChallenge) and "dismiss" (dismissChallenge) need a wallet holding
 * ARBITER_ROLE; "expire" (resolveExpiredChallenge, any wallet) closes a challenge the arbiter left past
 * arbiterTimeout (Expired: bond refunded, the epoch stands) or one whose post was rejected meanwhile (Voided:
 * refunded). Simulated first, so a missing role or a closed challenge surfaces as the contract's own error; waits
 * for the receipt and throws if the transaction reverts. `rejectedEpochs` are the epochs an uphold rejected
 * ([epoch, end) of its EpochRejected event); `outcome` is what the chain recorded.
 */
export async function resolveChallenge(args: {
  publicClient: VerifierPublicClient;
  walletClient: VerifierWalletClient;
  distributor: Address;
  challengeId: bigint;
  decision: "uphold" | "dismiss" | "expire";
}): Promise<{ txHash: Hex; rejectedEpochs: bigint[]; outcome: "upheld" | "dismissed" | "expired" | "voided" }> {
  const { publicClient, walletClient } = args;
  const distributor = args.distributor.toLowerCase() as Address;
  const functionName =
    args.decision === "uphold"
      ? "upholdChallenge"
      : args.decision === "dismiss"
        ? "dismissChallenge"
        : "resolveExpiredChallenge";
  const { request } = await publicClient.simulateContract({
    account: walletClient.account,
    address: distributor,
    abi: distributorAbi,
    functionName,
    args: [args.challengeId],
  });
  const txHash = await walletClient.writeContract(request as never);
  const receipt = await publicClient.waitForTransactionReceipt({ hash: txHash });
  if (receipt.status !== "success")
    throw new Error(`${args.decision} of challenge ${args.challengeId} reverted (tx ${txHash}).`);
  const rejectedEpochs: bigint[] = [];
  let outcome: "upheld" | "dismissed" | "expired" | "voided" =
    args.decision === "uphold" ? "upheld" : args.decision === "dismiss" ? "dismissed" : "expired";
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== distributor) continue;
    try {
      const ev = decodeEventLog({ abi: distributorAbi, data: log.data, topics: log.topics });
      if (ev.eventName === "EpochRejected") for (let e = ev.args.epoch; e < ev.args.end; e++) rejectedEpochs.push(e);
      if (ev.eventName === "ChallengeVoided") outcome = "voided";
    } catch {
      // another contract's or an unknown event
    }
  }
  return { txHash, rejectedEpochs, outcome };
}
