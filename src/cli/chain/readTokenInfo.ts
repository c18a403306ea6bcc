import type { PublicClient } from "viem";
import { testTokenAbi } from "../../contracts/abis.ts";
import type { Address } from "../../protocol/types.ts";
import type { TokenInfo } from "../format/formatAmount.ts";

/** An ERC-20's symbol and decimals (symbol "tokens" and 18 decimals when the token does not say). */
export async function readTokenInfo(client: PublicClient, address: Address): Promise<TokenInfo> {
  const [symbol, decimals] = await Promise.all([
    client.readContract({ address, abi: testTokenAbi, functionName: "symbol" }).catch(() => "tokens"),
    client.readContract({ address, abi: testTokenAbi, functionName: "decimals" }).catch(() => 18),
  ]);
  return { address, symbol, decimals: Number(decimals) };
}
