import { CliError } from "../errors/CliError.ts";

const UNITS: Record<string, bigint> = { s: 1n, m: 60n, h: 3_600n, d: 86_400n };

/** Parses "90", "90s", "15m", "2h", "1d", "1h30m" into seconds (USAGE error otherwise). */
export function parseDuration(text: string, what = "duration"): bigint {
  const clean = text.trim().toLowerCase();
  if (/^\d+$/.test(clean)) return BigInt(clean);
  const parts = [...clean.matchAll(/(\d+)([smhd])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== clean)
    throw new CliError(
      "USAGE",
      `The ${what} ${JSON.stringify(text)} is not a duration (write it like 90s, 15m, 2h or 1d).`,
    );
  return parts.reduce((sum, p) => sum + BigInt(p[1]!) * UNITS[p[2]!]!, 0n);
}
