import { getAbiItem } from "viem";
import { rewardDistributorAbi } from "../../contracts/abis.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import { CliError } from "../errors/CliError.ts";
import type { Chain } from "./connectChain.ts";
import { getChainLogs } from "./getChainLogs.ts";

/** The states of ChallengeStatus, in the contract's order. */
export const CHALLENGE_STATUSES = ["none", "open", "upheld", "dismissed", "expired", "voided"] as const;
export type ChallengeStatus = (typeof CHALLENGE_STATUSES)[number];

/** A challenge as the chain knows it: its ChallengeOpened event joined with challengeInfo(). */
export type ChallengeView = {
  challengeId: bigint;
  epoch: bigint;
  challenger: Address;
  /** Wei bonded by the challenger. */
  bond: bigint;
  status: ChallengeStatus;
  /**
   * Open, but the post it disputes was rejected by another decision (or re-posted): it can no longer be upheld or
   * dismissed, and anyone may close it with resolveExpiredChallenge (status voided, bond refunded).
   */
  void: boolean;
  /** Which post of the epoch it disputes (ChallengeOpened.postSeq). */
  postSeq: bigint;
  /** When it was opened, on the contract clock (unix time minus the seconds spent paused). */
  openedAt: bigint;
  /** openedAt + arbiterTimeout (contract clock): the arbiter's deadline; after it anyone may resolveExpiredChallenge. */
  deadline: bigint;
  evidenceHash: Hex;
  evidenceURI: string;
  blockNumber: bigint;
  transaction: Hex;
};

type OpenedLog = {
  args: {
    challengeId?: bigint;
    epoch?: bigint;
    challenger?: Address;
    bond?: bigint;
    evidenceHash?: Hex;
    evidenceURI?: string;
  };
  blockNumber: bigint;
  transactionHash: Hex;
};

/**
 * Every challenge opened on the distributor since its deployment block (or only `challengeId`), oldest first, with
 * its current status from challengeInfo() and its deadline (openedAt + arbiterTimeout from config()).
 */
export async function readChallenges(
  chain: Chain,
  challengeId?: bigint,
): Promise<{ challenges: ChallengeView[]; arbiterTimeout: bigint; challengeCount: bigint }> {
  const [logs, config, state] = await Promise.all([
    getChainLogs(chain, {
      events: [getAbiItem({ abi: rewardDistributorAbi, name: "ChallengeOpened" })],
      ...(challengeId === undefined ? {} : { args: { challengeId } }),
    }),
    chain.publicClient.readContract({ address: chain.distributor, abi: rewardDistributorAbi, functionName: "config" }),
    chain.publicClient.readContract({
      address: chain.distributor,
      abi: rewardDistributorAbi,
      functionName: "systemState",
    }),
  ]);
  const challenges = await Promise.all(
    (logs as unknown as OpenedLog[]).map(async (log): Promise<ChallengeView> => {
      const id = log.args.challengeId!;
      const info = await chain.publicClient.readContract({
        address: chain.distributor,
        abi: rewardDistributorAbi,
        functionName: "challengeInfo",
        args: [id],
      });
      const openedAt = BigInt(info.openedAt);
      let isVoid = false;
      if (info.status === 1) {
        const epochInfo = await chain.publicClient.readContract({
          address: chain.distributor,
          abi: rewardDistributorAbi,
          functionName: "epochInfo",
          args: [BigInt(info.epoch)],
        });
        isVoid = BigInt(info.epoch) >= state.nextEpoch || epochInfo.postSeq !== BigInt(info.postSeq);
      }
      return {
        challengeId: id,
        epoch: log.args.epoch!,
        challenger: log.args.challenger!,
        bond: log.args.bond!,
        status: CHALLENGE_STATUSES[info.status] ?? "none",
        void: isVoid,
        postSeq: BigInt(info.postSeq),
        openedAt,
        deadline: openedAt + config.arbiterTimeout,
        evidenceHash: log.args.evidenceHash!.toLowerCase() as Hex,
        evidenceURI: log.args.evidenceURI!,
        blockNumber: log.blockNumber,
        transaction: log.transactionHash,
      };
    }),
  );
  return { challenges, arbiterTimeout: config.arbiterTimeout, challengeCount: state.challengeCount };
}

/** One challenge by id; NOT_FOUND (exit 1) when the contract has no such challenge. */
export async function readChallenge(chain: Chain, challengeId: bigint): Promise<ChallengeView> {
  const { challenges, challengeCount } = await readChallenges(chain, challengeId);
  const found = challenges[0];
  if (!found)
    throw new CliError(
      "NOT_FOUND",
      `There is no challenge #${challengeId} on this contract ` +
        `(${challengeCount === 0n ? "no challenge has been opened yet" : `challenges are numbered 1 to ${challengeCount}`}).`,
      { hint: "meshpay arbiter list shows the open challenges." },
    );
  return found;
}
