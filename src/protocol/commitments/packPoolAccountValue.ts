import { ProtocolError } from "../errors/ProtocolError.ts";

const HALF = 1n << 128n;

/**
 * The value of a pool-account leaf: `baseAmount << 128 | amount` (token base units, each below 2^128; amount =
 * epochAmount + bonusAmount). Sums of such values keep the two totals apart while each stays below 2^128 (pool
 * balances are below 2^120), so the accounts tree's root sum is `uncappedTotal << 128 | total`.
 * Throws INVALID_ARGUMENT when a half is negative or not below 2^128.
 */
export function packPoolAccountValue(baseAmount: bigint, amount: bigint): bigint {
  for (const [field, v] of [
    ["baseAmount", baseAmount],
    ["amount", amount],
  ] as const)
    if (typeof v !== "bigint" || v < 0n || v >= HALF)
      throw new ProtocolError("INVALID_ARGUMENT", `${field} must be an integer in [0, 2^128).`, { field });
  return (baseAmount << 128n) | amount;
}
