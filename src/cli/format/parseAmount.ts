import { CliError } from "../errors/CliError.ts";

/**
 * Parses a token amount typed by a person ("12.5", "1,000", "0.000001") into base units with the token's
 * decimals. Refuses signs, exponents, empty input and more fractional digits than the token has (USAGE).
 */
export function parseAmount(text: string, token: { symbol: string; decimals: number }, what = "amount"): bigint {
  const clean = text.trim().replaceAll(",", "").replaceAll("_", "");
  const match = /^(\d+)(?:\.(\d*))?$|^\.(\d+)$/.exec(clean);
  if (!match)
    throw new CliError(
      "USAGE",
      `The ${what} ${JSON.stringify(text)} is not a number of ${token.symbol} (write it like 12.5).`,
    );
  const whole = match[1] ?? "0";
  const fraction = (match[2] ?? match[3] ?? "").replace(/0+$/, "");
  if (fraction.length > token.decimals)
    throw new CliError("USAGE", `The ${what} ${text} has more decimals than ${token.symbol} has (${token.decimals}).`);
  return BigInt(whole) * 10n ** BigInt(token.decimals) + BigInt(fraction.padEnd(token.decimals, "0") || "0");
}
