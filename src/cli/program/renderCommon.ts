import type { AmountJson } from "../format/amountJson.ts";
import { formatUnitsGrouped } from "../format/formatAmount.ts";

/** An AmountJson for people: "1,234.5 TUSD". */
export function showAmount(a: AmountJson): string {
  const [whole = "0", fraction] = a.amount.split(".");
  const grouped = formatUnitsGrouped(BigInt(whole), 0);
  return `${grouped}${fraction ? `.${fraction}` : ""} ${a.symbol}`;
}

/** A long hex shortened for tables: 0x1234…abcd. */
export function short(hex: string, keep = 6): string {
  return hex.length <= 2 + keep * 2 + 1 ? hex : `${hex.slice(0, 2 + keep)}…${hex.slice(-keep)}`;
}
