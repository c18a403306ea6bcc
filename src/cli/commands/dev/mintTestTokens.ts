import { testTokenAbi } from "../../../contracts/abis.ts";
import type { Address, Hex } from "../../../protocol/types.ts";
import { connectChain } from "../../chain/connectChain.ts";
import { parseAddress } from "../../chain/parseArguments.ts";
import { sendContractTransaction } from "../../chain/sendContractTransaction.ts";
import { tokenSentenceFormat } from "../../chain/tokenSentenceFormat.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { CliError } from "../../errors/CliError.ts";
import { type AmountJson, amountJson } from "../../format/amountJson.ts";
import type { TokenInfo } from "../../format/formatAmount.ts";
import { parseAmount } from "../../format/parseAmount.ts";
import { resolveSigner } from "../../keys/resolveSigner.ts";

export type MintResult = { token: TokenInfo; to: Address; minted: AmountJson; balance: AmountJson; transaction: Hex };

/** `meshpay dev mint`: mints the local deployment's test token (anyone may; it has no value) to an account. */
export async function mintTestTokens(
  args: { amount: string; to?: string; token?: string },
  ctx: CommandContext,
): Promise<MintResult> {
  const chain = await connectChain(ctx);
  const address = args.token ? parseAddress(args.token, "token") : chain.deployment.token;
  if (!address) throw new CliError("USAGE", "The deployment has no test token; give --token <address> of a TestToken.");
  const token = await chain.token(address);
  const amount = parseAmount(args.amount, token);
  const signer = await resolveSigner(ctx, "Minting");
  const to = args.to ? parseAddress(args.to, "recipient") : signer.account.address;
  const sent = await sendContractTransaction(ctx, chain, signer, {
    address,
    abi: testTokenAbi,
    functionName: "mint",
    args: [to, amount],
    doing: "Minting",
    format: tokenSentenceFormat(token),
  });
  const balance = await chain.publicClient.readContract({
    address,
    abi: testTokenAbi,
    functionName: "balanceOf",
    args: [to],
  });
  return { token, to, minted: amountJson(amount, token), balance: amountJson(balance, token), transaction: sent.hash };
}
