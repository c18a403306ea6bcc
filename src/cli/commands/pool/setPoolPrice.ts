import { parseEventLogs } from "viem";
import { rewardDistributorAbi } from "../../../contracts/abis.ts";
import type { Hex } from "../../../protocol/types.ts";
import { connectChain } from "../../chain/connectChain.ts";
import { parsePoolId } from "../../chain/parseArguments.ts";
import { readPool } from "../../chain/readPool.ts";
import { sendContractTransaction } from "../../chain/sendContractTransaction.ts";
import { tokenSentenceFormat } from "../../chain/tokenSentenceFormat.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { type AmountJson, amountJson } from "../../format/amountJson.ts";
import { parseAmount } from "../../format/parseAmount.ts";
import { resolveSigner } from "../../keys/resolveSigner.ts";

export type SetPoolPriceResult = {
  poolId: Hex;
  previousPricePerGB: AmountJson;
  pricePerGB: AmountJson;
  fromEpoch: bigint;
  transaction: Hex;
};

/** `meshpay pool set-price`: setPrice(poolId, pricePerGB), in force from the next epoch (owner only). */
export async function setPoolPrice(
  args: { poolId: string; price: string },
  ctx: CommandContext,
): Promise<SetPoolPriceResult> {
  const poolId = parsePoolId(args.poolId);
  const chain = await connectChain(ctx);
  const pool = await readPool(chain, poolId);
  const price = parseAmount(args.price, pool.token, "price per GB");
  const signer = await resolveSigner(ctx, "Changing a pool's price");
  const sent = await sendContractTransaction(ctx, chain, signer, {
    address: chain.distributor,
    abi: rewardDistributorAbi,
    functionName: "setPrice",
    args: [poolId, price],
    doing: "Setting the price",
    format: tokenSentenceFormat(pool.token),
  });
  const changed = parseEventLogs({ abi: rewardDistributorAbi, logs: sent.receipt.logs, eventName: "PoolPriceChanged" });
  const fromEpoch = changed.at(-1)?.args.fromEpoch ?? 0n;
  return {
    poolId,
    previousPricePerGB: amountJson(pool.pricePerGB, pool.token),
    pricePerGB: amountJson(price, pool.token),
    fromEpoch,
    transaction: sent.hash,
  };
}
