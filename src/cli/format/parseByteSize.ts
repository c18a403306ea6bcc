import { CliError } from "../errors/CliError.ts";

const UNITS: Record<string, bigint> = {
  "": 1n,
  b: 1n,
  kb: 10n ** 3n,
  mb: 10n ** 6n,
  gb: 10n ** 9n,
  tb: 10n ** 12n,
  kib: 1n << 10n,
  mib: 1n << 20n,
  gib: 1n << 30n,
  tib: 1n << 40n,
};

/** Parses a byte count: "1000000", "500MB", "2GB" (decimal units), "1GiB" (binary units). */
export function parseByteSize(text: string, what = "size"): bigint {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined)
    throw new CliError(
      "USAGE",
      `The ${what} ${JSON.stringify(text)} is not a byte size (write it like 2GB, 500MB or 1000000).`,
    );
  const [whole, fraction = ""] = match[1]!.split(".");
  const scale = 10n ** BigInt(fraction.length);
  return (BigInt(whole! + fraction) * unit) / scale;
}

/** Bytes as "1.5 GB" (decimal units, as prices are per 10^9 bytes). */
export function formatByteSize(bytes: bigint): string {
  for (const [unit, size] of [
    ["TB", 10n ** 12n],
    ["GB", 10n ** 9n],
    ["MB", 10n ** 6n],
    ["kB", 10n ** 3n],
  ] as const) {
    if (bytes >= size) {
      const tenths = (bytes * 10n) / size;
      return `${tenths / 10n}${tenths % 10n === 0n ? "" : `.${tenths % 10n}`} ${unit}`;
    }
  }
  return `${bytes} B`;
}
