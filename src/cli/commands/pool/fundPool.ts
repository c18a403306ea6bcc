import { rewardDistributorAbi, testTokenAbi } from "../../../contracts/abis.ts";
import type { Address, Hex } from "../../../protocol/types.ts";
import { connectChain } from "../../chain/connectChain.ts";
import { parsePoolId } from "../../chain/parseArguments.ts";
import { readPool } from "../../chain/readPool.ts";
import { sendContractTransaction } from "../../chain/sendContractTransaction.ts";
import { tokenSentenceFormat } from "../../chain/tokenSentenceFormat.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { CliError } from "../../errors/CliError.ts";
import { type AmountJson, amountJson } from "../../format/amountJson.ts";
import { formatAmount, type TokenInfo } from "../../format/formatAmount.ts";
import { parseAmount } from "../../format/parseAmount.ts";
import { resolveSigner } from "../../keys/resolveSigner.ts";

export type FundPoolResult = {
  poolId: Hex;
  funder: Address;
  token: TokenInfo;
  funded: AmountJson;
  unallocated: AmountJson;
  approveTransaction?: Hex;
  transaction: Hex;
};

/**
 * `meshpay pool fund`: approves the distributor for exactly the amount (when the allowance is short) and calls
 * fund(poolId, amount). Refuses up front (INSUFFICIENT_TOKENS) when the account holds less than the amount.
 */
export async function fundPool(args: { poolId: string; amount: string }, ctx: CommandContext): Promise<FundPoolResult> {
  const poolId = parsePoolId(args.poolId);
  const chain = await connectChain(ctx);
  const pool = await readPool(chain, poolId);
  const token = pool.token;
  const amount = parseAmount(args.amount, token);
  if (amount === 0n) throw new CliError("USAGE", "The amount to fund is zero.");
  const signer = await resolveSigner(ctx, "Funding a pool");
  const funder = signer.account.address;
  const format = tokenSentenceFormat(token);
  const [balance, allowance] = await Promise.all([
    chain.publicClient.readContract({
      address: token.address,
      abi: testTokenAbi,
      functionName: "balanceOf",
      args: [funder],
    }),
    chain.publicClient.readContract({
      address: token.address,
      abi: testTokenAbi,
      functionName: "allowance",
      args: [funder, chain.distributor],
    }),
  ]);
  if (balance < amount)
    throw new CliError(
      "INSUFFICIENT_TOKENS",
      `${funder} holds ${formatAmount(balance, token)}, less than the ${formatAmount(amount, token)} to fund.`,
      {
        hint:
          `Get ${formatAmount(amount - balance, token)} more ` +
          `first${chain.deployment.token?.toLowerCase() === token.address.toLowerCase() ? " (on a local chain: meshpay dev mint)" : ""}.`,
        data: { balance: amountJson(balance, token), needed: amountJson(amount, token) },
      },
    );
  let approveTransaction: Hex | undefined;
  if (allowance < amount) {
    const approved = await sendContractTransaction(ctx, chain, signer, {
      address: token.address,
      abi: testTokenAbi,
      functionName: "approve",
      args: [chain.distributor, amount],
      doing: `Approving ${formatAmount(amount, token)} for the distributor`,
      format,
    });
    approveTransaction = approved.hash;
  }
  const sent = await sendContractTransaction(ctx, chain, signer, {
    address: chain.distributor,
    abi: rewardDistributorAbi,
    functionName: "fund",
    args: [poolId, amount],
    doing: "Funding the pool",
    format,
  });
  const after = await readPool(chain, poolId);
  return {
    poolId,
    funder,
    token,
    funded: amountJson(amount, token),
    unallocated: amountJson(after.unallocated, token),
    ...(approveTransaction ? { approveTransaction } : {}),
    transaction: sent.hash,
  };
}
