import { ProtocolError } from "../errors/ProtocolError.ts";

/**
 * Caps a pool's raw amounts at `balance`: when Σraw > balance each amount becomes
 * floor(raw_i · balance / Σraw) (so Σ ≤ balance); otherwise amounts are unchanged.
 */
export function scalePoolAmounts(raw: readonly bigint[], balance: bigint): bigint[] {
  if (typeof balance !== "bigint" || balance < 0n)
    throw new ProtocolError("INVALID_ARGUMENT", "balance must be a bigint ≥ 0.", { field: "balance" });
  let total = 0n;
  for (const r of raw) total += r;
  if (total <= balance) return raw.slice();
  return raw.map((r) => (r * balance) / total);
}
