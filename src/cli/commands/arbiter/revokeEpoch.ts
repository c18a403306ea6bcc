import { readFileSync } from "node:fs";
import { keccak256, parseEventLogs, zeroHash } from "viem";
import { rewardDistributorAbi } from "../../../contracts/abis.ts";
import { getEvidenceHash } from "../../../contracts/getEvidenceHash.ts";
import type { Address, Hex } from "../../../protocol/types.ts";
import { connectChain } from "../../chain/connectChain.ts";
import { parseInteger } from "../../chain/parseArguments.ts";
import { sendContractTransaction } from "../../chain/sendContractTransaction.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { CliError } from "../../errors/CliError.ts";
import { resolveSigner } from "../../keys/resolveSigner.ts";

export type RevokeEpochResult = {
  epoch: bigint;
  arbiter: Address;
  evidenceHash: Hex;
  /** Epochs EpochRejected rejected: [epoch, end). */
  rejectedEpochs: bigint[];
  /** The claim root after the revocation (the previous epoch's; zero for epoch 0). */
  claimRoot: Hex;
  slashed: { aggregator: Address; bond: bigint } | null;
  transaction: Hex;
};

/**
 * `meshpay arbiter revoke <epoch>`: revokeEpoch(epoch, evidenceHash) (ARBITER_ROLE) for an epoch already claimable
 * and inside its recovery period: it and every later epoch are rejected, claims fall back to the previous epoch's
 * root, the epoch's aggregator loses its bond to the treasury. The evidenceHash follows the challenge convention,
 * keccak256(abi.encode(arbiter, keccak256(evidence file))), or is given as is (--evidence-hash). A revert
 * (EpochNotFinal, EpochRecoveryClosed, a missing role) is refused with its sentence (exit 4).
 */
export async function revokeEpoch(
  args: { epoch: string; evidenceFile?: string; evidenceHash?: string },
  ctx: CommandContext,
): Promise<RevokeEpochResult> {
  const epoch = parseInteger(args.epoch, "epoch");
  if (args.evidenceFile && args.evidenceHash)
    throw new CliError("USAGE", "Give either --evidence <file> or --evidence-hash <bytes32>, not both.");
  if (args.evidenceHash && !/^0x[0-9a-fA-F]{64}$/.test(args.evidenceHash))
    throw new CliError("USAGE", `--evidence-hash must be 32 bytes in hex (0x + 64 digits), not ${args.evidenceHash}.`);
  let document: Uint8Array | undefined;
  if (args.evidenceFile) {
    try {
      document = readFileSync(args.evidenceFile);
    } catch (cause) {
      throw new CliError("USAGE", `Cannot read the evidence file ${args.evidenceFile}.`, { cause });
    }
  }
  const chain = await connectChain(ctx);
  const signer = await resolveSigner(ctx, "Revoking an epoch");
  const arbiter = signer.account.address;
  const evidenceHash = document
    ? getEvidenceHash(arbiter, keccak256(document))
    : ((args.evidenceHash?.toLowerCase() as Hex | undefined) ?? zeroHash);
  const sent = await sendContractTransaction(ctx, chain, signer, {
    address: chain.distributor,
    abi: rewardDistributorAbi,
    functionName: "revokeEpoch",
    args: [epoch, evidenceHash],
    doing: `Revoking epoch ${epoch}`,
  });
  const rejectedEpochs: bigint[] = [];
  let claimRoot: Hex = zeroHash;
  let slashed: RevokeEpochResult["slashed"] = null;
  for (const ev of parseEventLogs({ abi: rewardDistributorAbi, logs: sent.receipt.logs })) {
    if (ev.address.toLowerCase() !== chain.distributor.toLowerCase()) continue;
    if (ev.eventName === "EpochRejected") for (let e = ev.args.epoch; e < ev.args.end; e++) rejectedEpochs.push(e);
    if (ev.eventName === "ClaimableEpochAdvanced") claimRoot = ev.args.root;
    if (ev.eventName === "AggregatorSlashed") slashed = { aggregator: ev.args.aggregator, bond: ev.args.bond };
  }
  return { epoch, arbiter, evidenceHash, rejectedEpochs, claimRoot, slashed, transaction: sent.hash };
}
