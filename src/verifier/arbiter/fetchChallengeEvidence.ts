import { getAbiItem } from "viem";
import { rewardDistributorAbi as distributorAbi } from "../../contracts/abis.ts";
import { getEvidenceHash } from "../../contracts/getEvidenceHash.ts";
import { getLogsChunked } from "../../contracts/getLogsChunked.ts";
import { keccak256 } from "../../protocol/hash/keccak256.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import { type FetchBundleOptions, fetchBundle } from "../bundle/fetchBundle.ts";
import type { VerifierPublicClient } from "../chain/types.ts";
import type { EvidenceDocument } from "../evidence/buildEvidence.ts";

export type ChallengeRecord = {
  challengeId: bigint;
  epoch: bigint;
  challenger: Address;
  bond: bigint;
  evidenceHash: Hex;
  evidenceURI: string;
  blockNumber: bigint;
  logIndex: number;
  txHash: Hex;
};

/**
 * A challenge as opened on chain (its ChallengeOpened event) and the evidence at its evidenceURI: the bytes, whether
 * they are the evidence committed on chain and bound to this challenger (evidenceHash =
 * keccak256(abi.encode(challenger, keccak256(bytes)))), and the parsed document (null when unavailable or not JSON).
 */
export async function fetchChallengeEvidence(args: {
  client: VerifierPublicClient;
  distributor: Address;
  challengeId: bigint;
  fromBlock?: bigint;
  /** Most blocks one eth_getLogs query spans (hosted endpoints cap it; getLogsChunked's default otherwise). */
  logRange?: bigint;
  fetch?: FetchBundleOptions;
}): Promise<{
  challenge: ChallengeRecord;
  bytes: Uint8Array | null;
  hashMatches: boolean;
  document: EvidenceDocument | null;
  error?: string;
}> {
  const logs = await getLogsChunked(args.client, {
    address: args.distributor,
    events: [getAbiItem({ abi: distributorAbi, name: "ChallengeOpened" })],
    fromBlock: args.fromBlock ?? 0n,
    toBlock: await args.client.getBlockNumber(),
    ...(args.logRange ? { range: args.logRange } : {}),
    args: { challengeId: args.challengeId },
  });
  const l = logs[0];
  if (!l)
    throw new Error(`No ChallengeOpened event for challenge ${args.challengeId} since block ${args.fromBlock ?? 0n}.`);
  const challenge: ChallengeRecord = {
    challengeId: l.args.challengeId,
    epoch: l.args.epoch,
    challenger: l.args.challenger.toLowerCase() as Address,
    bond: l.args.bond,
    evidenceHash: l.args.evidenceHash.toLowerCase() as Hex,
    evidenceURI: l.args.evidenceURI,
    blockNumber: l.blockNumber,
    logIndex: l.logIndex,
    txHash: l.transactionHash,
  };
  let bytes: Uint8Array;
  try {
    bytes = await fetchBundle(challenge.evidenceURI, { maxBytes: 256 * 1024 * 1024, ...args.fetch });
  } catch (err) {
    return {
      challenge,
      bytes: null,
      hashMatches: false,
      document: null,
      error: (err as { shortMessage?: string }).shortMessage ?? String(err),
    };
  }
  // evidenceHash = keccak256(abi.encode(challenger, keccak256(document bytes))): the evidence bound to its challenger.
  const documentHash = `0x${Buffer.from(keccak256(bytes)).toString("hex")}` as Hex;
  const hashMatches = getEvidenceHash(challenge.challenger, documentHash) === challenge.evidenceHash;
  let document: EvidenceDocument | null = null;
  try {
    document = JSON.parse(new TextDecoder().decode(bytes)) as EvidenceDocument;
  } catch {
    document = null;
  }
  return { challenge, bytes, hashMatches, document };
}
