import { formatAmount } from "../../cli/format/formatAmount.ts";
import type { TokenInfo } from "../chain/ExplorerChain.ts";

/** Base units as the token's own decimal amount with its symbol: 180000n, TUSD (6 decimals) → "0.18 TUSD". */
export function formatTokenAmount(units: bigint, token: Pick<TokenInfo, "symbol" | "decimals">): string {
  return formatAmount(units, token);
}
