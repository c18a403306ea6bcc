import { parseEventLogs } from "viem";
import { rewardDistributorAbi } from "../../../contracts/abis.ts";
import type { Address, Hex } from "../../../protocol/types.ts";
import { connectChain } from "../../chain/connectChain.ts";
import { parseAddress, parsePoolId } from "../../chain/parseArguments.ts";
import { readPool } from "../../chain/readPool.ts";
import { sendContractTransaction } from "../../chain/sendContractTransaction.ts";
import { tokenSentenceFormat } from "../../chain/tokenSentenceFormat.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { CliError } from "../../errors/CliError.ts";
import { type AmountJson, amountJson } from "../../format/amountJson.ts";
import { resolveSigner } from "../../keys/resolveSigner.ts";

export type ExecutePoolWithdrawalResult = {
  poolId: Hex;
  to: Address;
  withdrawn: AmountJson;
  unallocated: AmountJson;
  transaction: Hex;
};

/**
 * `meshpay pool withdraw execute`: withdraw(poolId, to) once the notice has run; pays min(requested, unallocated).
 * NOTHING_TO_DO (exit 5) when no withdrawal was requested; a decoded PoolWithdrawalNotReady (exit 4) says when.
 */
export async function executePoolWithdrawal(
  args: { poolId: string; to?: string },
  ctx: CommandContext,
): Promise<ExecutePoolWithdrawalResult> {
  const poolId = parsePoolId(args.poolId);
  const chain = await connectChain(ctx);
  const pool = await readPool(chain, poolId);
  const signer = await resolveSigner(ctx, "Withdrawing from a pool");
  const to = args.to ? parseAddress(args.to, "recipient") : signer.account.address;
  if (pool.withdrawalAvailableAt === 0n)
    throw new CliError("NOTHING_TO_DO", `No withdrawal is requested for pool ${poolId}.`, {
      hint: "Give notice first with `meshpay pool withdraw request <pool> <amount>`.",
    });
  const sent = await sendContractTransaction(ctx, chain, signer, {
    address: chain.distributor,
    abi: rewardDistributorAbi,
    functionName: "withdraw",
    args: [poolId, to],
    doing: "Withdrawing",
    format: tokenSentenceFormat(pool.token),
  });
  const paid = parseEventLogs({ abi: rewardDistributorAbi, logs: sent.receipt.logs, eventName: "PoolWithdrawn" });
  const withdrawn = paid.at(-1)?.args.amount ?? 0n;
  const after = await readPool(chain, poolId);
  return {
    poolId,
    to,
    withdrawn: amountJson(withdrawn, pool.token),
    unallocated: amountJson(after.unallocated, pool.token),
    transaction: sent.hash,
  };
}
