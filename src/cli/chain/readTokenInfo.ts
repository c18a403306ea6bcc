import type { PublicClient } from "viem";
import type { Address } from "../../protocol/types.ts";
import { tokenAbi } from "../abi/cliAbi.ts";
import type { TokenInfo } from "../format/formatAmount.ts";

/** An ERC-20's symbol and decimals (symbol "tokens" and 18 decimals when the token does not say). */
export async function readTokenInfo(client: PublicClient, address: Address): Promise<TokenInfo> {
  const [symbol, decimals] = await Promise.all([
    client.readContract({ address, abi: tokenAbi, functionName: "symbol" }).catch(() => "tokens"),
    client.readContract({ address, abi: tokenAbi, functionName: "decimals" }).catch(() => 18),
  ]);
  return { address, symbol, decimals: Number(decimals) };
}
