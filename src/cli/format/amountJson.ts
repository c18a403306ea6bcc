import { formatUnitsPlain, type TokenInfo } from "./formatAmount.ts";

/** A token amount as --json prints it: base units (exact, a decimal string), the decimal amount and the symbol. */
export type AmountJson = { units: string; amount: string; symbol: string };

export function amountJson(units: bigint, token: Pick<TokenInfo, "symbol" | "decimals">): AmountJson {
  return { units: units.toString(), amount: formatUnitsPlain(units, token.decimals), symbol: token.symbol };
}
