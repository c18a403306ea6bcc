/** A token as the CLI shows it. */
export type TokenInfo = { address: `0x${string}`; symbol: string; decimals: number };

/** `units` base units as a decimal number of tokens with thousands separators and the symbol: "1,234.5 TUSD". */
export function formatAmount(units: bigint, token: { symbol: string; decimals: number }): string {
  return `${formatUnitsGrouped(units, token.decimals)} ${token.symbol}`;
}

/** Base units as a decimal string with thousands separators and no trailing zeros: 1234500000n, 6 → "1,234.5". */
export function formatUnitsGrouped(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const base = 10n ** BigInt(decimals);
  const whole = (abs / base).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const fraction = decimals === 0 ? "" : (abs % base).toString().padStart(decimals, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** Base units as a plain decimal string (no separators), the form --json prints next to the base units. */
export function formatUnitsPlain(units: bigint, decimals: number): string {
  return formatUnitsGrouped(units, decimals).replaceAll(",", "");
}
