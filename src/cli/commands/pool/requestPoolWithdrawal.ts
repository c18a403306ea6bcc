import { rewardDistributorAbi } from "../../../contracts/abis.ts";
import type { Hex } from "../../../protocol/types.ts";
import { connectChain } from "../../chain/connectChain.ts";
import { parsePoolId } from "../../chain/parseArguments.ts";
import { readPool } from "../../chain/readPool.ts";
import { sendContractTransaction } from "../../chain/sendContractTransaction.ts";
import { tokenSentenceFormat } from "../../chain/tokenSentenceFormat.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { CliError } from "../../errors/CliError.ts";
import { type AmountJson, amountJson } from "../../format/amountJson.ts";
import { parseAmount } from "../../format/parseAmount.ts";
import { resolveSigner } from "../../keys/resolveSigner.ts";

const ALL = (1n << 128n) - 1n;

export type RequestPoolWithdrawalResult = {
  poolId: Hex;
  /** What was asked for; "all" asks for whatever is unallocated when the withdrawal executes. */
  requested: AmountJson | "all";
  unallocated: AmountJson;
  availableAt: bigint;
  noticeSeconds: bigint;
  transaction: Hex;
};

/**
 * `meshpay pool withdraw request`: requestWithdrawal(poolId, amount) — notice of epochSeconds + grace + challenge
 * window; the funds stay allocatable meanwhile. `amount` "all" asks for everything unallocated at execution time.
 */
export async function requestPoolWithdrawal(
  args: { poolId: string; amount: string },
  ctx: CommandContext,
): Promise<RequestPoolWithdrawalResult> {
  const poolId = parsePoolId(args.poolId);
  const chain = await connectChain(ctx);
  const pool = await readPool(chain, poolId);
  const all = args.amount.trim().toLowerCase() === "all";
  const amount = all ? ALL : parseAmount(args.amount, pool.token);
  if (amount === 0n) throw new CliError("USAGE", "The amount to withdraw is zero.");
  const signer = await resolveSigner(ctx, "Requesting a withdrawal");
  const sent = await sendContractTransaction(ctx, chain, signer, {
    address: chain.distributor,
    abi: rewardDistributorAbi,
    functionName: "requestWithdrawal",
    args: [poolId, amount],
    doing: "Requesting the withdrawal",
    format: tokenSentenceFormat(pool.token),
  });
  const [after, notice] = await Promise.all([
    readPool(chain, poolId),
    chain.publicClient.readContract({
      address: chain.distributor,
      abi: rewardDistributorAbi,
      functionName: "withdrawalNotice",
    }),
  ]);
  return {
    poolId,
    requested: all ? "all" : amountJson(amount, pool.token),
    unallocated: amountJson(after.unallocated, pool.token),
    availableAt: after.withdrawalAvailableAt,
    noticeSeconds: notice,
    transaction: sent.hash,
  };
}
