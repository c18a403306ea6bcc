import { parseEventLogs } from "viem";
import { rewardDistributorAbi } from "../../../contracts/abis.ts";
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

export type CreatePoolArgs = {
  /** Price per GB (10^9 bytes) in token units, e.g. "0.5". */
  price: string;
  /** ERC-20 the pool pays in (default: the deployment's token). */
  token?: string;
  /** The key that will sign viewer tickets (default: the owner's own address). */
  ticketSigner?: string;
  metadata?: string;
};

export type CreatePoolResult = {
  poolId: Hex;
  owner: Address;
  token: TokenInfo;
  pricePerGB: AmountJson;
  ticketSigner: Address;
  metadataURI: string;
  transaction: Hex;
};

/** `meshpay pool create`: createPool(token, pricePerGB, ticketSigner, metadataURI); the caller owns the new pool. */
export async function createPool(args: CreatePoolArgs, ctx: CommandContext): Promise<CreatePoolResult> {
  const chain = await connectChain(ctx);
  const tokenAddress = args.token ? parseAddress(args.token, "token") : chain.deployment.token;
  if (!tokenAddress) throw new CliError("USAGE", "Which token does the pool pay in? Give --token <address>.");
  const token = await chain.token(tokenAddress);
  const pricePerGB = parseAmount(args.price, token, "price per GB");
  const signer = await resolveSigner(ctx, "Creating a pool");
  const ticketSigner = args.ticketSigner ? parseAddress(args.ticketSigner, "ticket signer") : signer.account.address;
  const metadataURI = args.metadata ?? "";
  const sent = await sendContractTransaction(ctx, chain, signer, {
    address: chain.distributor,
    abi: rewardDistributorAbi,
    functionName: "createPool",
    args: [tokenAddress, pricePerGB, ticketSigner, metadataURI],
    doing: "Creating the pool",
    format: tokenSentenceFormat(token),
  });
  const created = parseEventLogs({ abi: rewardDistributorAbi, logs: sent.receipt.logs, eventName: "PoolCreated" }).find(
    (e) => e.address.toLowerCase() === chain.distributor.toLowerCase(),
  );
  if (!created) throw new CliError("INTERNAL", "The transaction succeeded but emitted no PoolCreated event.");
  return {
    poolId: created.args.poolId.toLowerCase() as Hex,
    owner: created.args.owner,
    token,
    pricePerGB: amountJson(pricePerGB, token),
    ticketSigner: created.args.ticketSigner,
    metadataURI,
    transaction: sent.hash,
  };
}
