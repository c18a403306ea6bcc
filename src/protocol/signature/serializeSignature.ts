import type { Hex } from "../types.ts";
import { bytesToHex } from "../utils/bytes.ts";
import { parseSignature } from "./parseSignature.ts";

/**
 * Re-encodes a valid signature as 65-byte `r ‖ s ‖ v` with v ∈ {27, 28} (`"65"`, what the
 * contract's ECDSA.recover expects) or as a 64-byte EIP-2098 compact signature (`"64"`).
 * Throws like parseSignature.
 */
export function serializeSignature(signature: Hex | Uint8Array, form: "65" | "64"): Hex {
  const { compact, recovery } = parseSignature(signature);
  if (form === "64") {
    compact[32]! |= recovery << 7;
    return bytesToHex(compact);
  }
  const out = new Uint8Array(65);
  out.set(compact);
  out[64] = 27 + recovery;
  return bytesToHex(out);
}
