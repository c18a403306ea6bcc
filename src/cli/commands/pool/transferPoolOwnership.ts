import { zeroAddress } from "viem";
import { rewardDistributorAbi } from "../../../contracts/abis.ts";
import type { Address, Hex } from "../../../protocol/types.ts";
import { connectChain } from "../../chain/connectChain.ts";
import { parseAddress, parsePoolId } from "../../chain/parseArguments.ts";
import { readPool } from "../../chain/readPool.ts";
import { sendContractTransaction } from "../../chain/sendContractTransaction.ts";
import { tokenSentenceFormat } from "../../chain/tokenSentenceFormat.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { CliError } from "../../errors/CliError.ts";
import { resolveSigner } from "../../keys/resolveSigner.ts";

export type TransferPoolOwnershipResult = {
  poolId: Hex;
  owner: Address;
  /** The account that may now accept the pool; the zero address when the offer was cancelled. */
  pendingOwner: Address;
  cancelled: boolean;
  transaction: Hex;
};

/**
 * `meshpay pool transfer-ownership <pool> <new-owner>`: transferPoolOwnership (owner only), the first of two steps:
 * the pool changes hands when the new owner runs `meshpay pool accept-ownership`. `--cancel` withdraws the offer
 * (the zero address). NOTHING_TO_DO (exit 5) when the same account is already the pending owner, or when there is no
 * offer to cancel.
 */
export async function transferPoolOwnership(
  args: { poolId: string; newOwner?: string; cancel?: boolean },
  ctx: CommandContext,
): Promise<TransferPoolOwnershipResult> {
  const poolId = parsePoolId(args.poolId);
  if (!args.cancel && !args.newOwner)
    throw new CliError("USAGE", "Give the new owner's address, or --cancel to withdraw a pending offer.");
  if (args.cancel && args.newOwner) throw new CliError("USAGE", "Give either a new owner or --cancel, not both.");
  const newOwner = args.cancel ? zeroAddress : parseAddress(args.newOwner!, "new owner");
  const chain = await connectChain(ctx);
  const pool = await readPool(chain, poolId);
  if (pool.pendingOwner.toLowerCase() === newOwner.toLowerCase())
    throw new CliError(
      "NOTHING_TO_DO",
      args.cancel
        ? `Pool ${poolId} has no pending ownership offer; nothing to cancel.`
        : `${newOwner} is already the pending owner of pool ${poolId}: it accepts with meshpay pool accept-ownership.`,
    );
  const signer = await resolveSigner(ctx, "Offering a pool to a new owner");
  const sent = await sendContractTransaction(ctx, chain, signer, {
    address: chain.distributor,
    abi: rewardDistributorAbi,
    functionName: "transferPoolOwnership",
    args: [poolId, newOwner],
    doing: args.cancel ? "Cancelling the ownership offer" : "Offering the pool",
    format: tokenSentenceFormat(pool.token),
  });
  return { poolId, owner: pool.owner, pendingOwner: newOwner, cancelled: !!args.cancel, transaction: sent.hash };
}
