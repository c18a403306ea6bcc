import { ProtocolError } from "../errors/ProtocolError.ts";

/** Unscaled reward for `bytes` at `pricePerGB` (token base units per 10^9 bytes): floor(bytes · pricePerGB / 10^9). */
export function getRewardAmount(bytes: bigint, pricePerGB: bigint): bigint {
  if (typeof bytes !== "bigint" || bytes < 0n)
    throw new ProtocolError("INVALID_ARGUMENT", "bytes must be a bigint ≥ 0.", { field: "bytes" });
  if (typeof pricePerGB !== "bigint" || pricePerGB < 0n)
    throw new ProtocolError("INVALID_ARGUMENT", "pricePerGB must be a bigint ≥ 0.", { field: "pricePerGB" });
  return (bytes * pricePerGB) / 1_000_000_000n;
}
