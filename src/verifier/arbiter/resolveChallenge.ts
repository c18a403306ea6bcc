import { rewardDistributorAbi as distributorAbi } from "../../contracts/abis.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import type { VerifierPublicClient, VerifierWalletClient } from "../chain/types.ts";
import { getRejectedEpochData } from "./getRejectedEpochData.ts";

/**
 * Sends the arbiter's decision on a challenge with a wallet holding ARBITER_ROLE: "uphold" calls
 * upholdChallenge(challengeId, EpochData[]) with the data of the challenged epoch and every later posted one (from
 * their EpochPosted events), "dismiss" calls dismissChallenge(challengeId). "expire" (any wallet, after
 * arbiterTimeout) calls resolveExpiredChallenge(challengeId, EpochData[]). Waits for the receipt; throws if the
 * transaction reverts.
 */
export async function resolveChallenge(args: {
  publicClient: VerifierPublicClient;
  walletClient: VerifierWalletClient;
  distributor: Address;
  challengeId: bigint;
  /** uphold / dismiss: the arbiter; expire: anyone, once arbiterTimeout has passed (rejects without slashing). */
  decision: "uphold" | "dismiss" | "expire";
  fromBlock?: bigint;
}): Promise<{ txHash: Hex; rejectedEpochs: bigint[] }> {
  const { publicClient, walletClient } = args;
  const distributor = args.distributor.toLowerCase() as Address;
  let rejectedEpochs: bigint[] = [];
  let txHash: Hex;
  // Simulated first, so a missing role or a closed challenge surfaces as the contract's own error.
  if (args.decision === "uphold" || args.decision === "expire") {
    const c = await publicClient.readContract({
      address: distributor,
      abi: distributorAbi,
      functionName: "challengeInfo",
      args: [args.challengeId],
    });
    const epochData = await getRejectedEpochData({
      client: publicClient,
      distributor,
      fromEpoch: BigInt(c.epoch),
      ...(args.fromBlock === undefined ? {} : { fromBlock: args.fromBlock }),
    });
    rejectedEpochs = epochData.map((_, i) => BigInt(c.epoch) + BigInt(i));
    const { request } = await publicClient.simulateContract({
      account: walletClient.account,
      address: distributor,
      abi: distributorAbi,
      functionName: args.decision === "uphold" ? "upholdChallenge" : "resolveExpiredChallenge",
      args: [args.challengeId, epochData],
    });
    txHash = await walletClient.writeContract(request as never);
  } else {
    const { request } = await publicClient.simulateContract({
      account: walletClient.account,
      address: distributor,
      abi: distributorAbi,
      functionName: "dismissChallenge",
      args: [args.challengeId],
    });
    txHash = await walletClient.writeContract(request as never);
  }
  const receipt = await publicClient.waitForTransactionReceipt({ hash: txHash });
  if (receipt.status !== "success")
    throw new Error(`${args.decision} of challenge ${args.challengeId} reverted (tx ${txHash}).`);
  return { txHash, rejectedEpochs };
}
