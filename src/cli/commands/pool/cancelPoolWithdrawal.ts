import { rewardDistributorAbi } from "../../../contracts/abis.ts";
import type { Hex } from "../../../protocol/types.ts";
import { connectChain } from "../../chain/connectChain.ts";
import { parsePoolId } from "../../chain/parseArguments.ts";
import { readPool } from "../../chain/readPool.ts";
import { sendContractTransaction } from "../../chain/sendContractTransaction.ts";
import { tokenSentenceFormat } from "../../chain/tokenSentenceFormat.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { CliError } from "../../errors/CliError.ts";
import { resolveSigner } from "../../keys/resolveSigner.ts";

/** `meshpay pool withdraw cancel`: cancelWithdrawal(poolId); NOTHING_TO_DO (exit 5) when none is pending. */
export async function cancelPoolWithdrawal(
  args: { poolId: string },
  ctx: CommandContext,
): Promise<{ poolId: Hex; transaction: Hex }> {
  const poolId = parsePoolId(args.poolId);
  const chain = await connectChain(ctx);
  const pool = await readPool(chain, poolId);
  if (pool.withdrawalAvailableAt === 0n)
    throw new CliError("NOTHING_TO_DO", `No withdrawal is requested for pool ${poolId}; nothing to cancel.`);
  const signer = await resolveSigner(ctx, "Cancelling a withdrawal");
  const sent = await sendContractTransaction(ctx, chain, signer, {
    address: chain.distributor,
    abi: rewardDistributorAbi,
    functionName: "cancelWithdrawal",
    args: [poolId],
    doing: "Cancelling the withdrawal",
    format: tokenSentenceFormat(pool.token),
  });
  return { poolId, transaction: sent.hash };
}
