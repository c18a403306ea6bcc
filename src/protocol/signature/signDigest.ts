import { secp256k1 } from "@noble/curves/secp256k1.js";
import type { Hex } from "../types.ts";
import { bytesToHex, hexToBytes } from "../utils/bytes.ts";

/**
 * Signs a 32-byte digest (RFC 6979 deterministic, low-s). Returns 65-byte `r ‖ s ‖ v`
 * with v ∈ {27, 28}, or the 64-byte EIP-2098 form when `form` is "64".
 */
export function signDigest(digest: Hex | Uint8Array, privateKey: Hex, form: "65" | "64" = "65"): Hex {
  const d = typeof digest === "string" ? hexToBytes(digest, 32, "digest") : digest;
  const sk = hexToBytes(privateKey, 32, "privateKey");
  const rec = secp256k1.sign(d, sk, { prehash: false, lowS: true, format: "recovered" });
  const recovery = rec[0]!;
  if (form === "64") {
    const out = rec.slice(1);
    out[32]! |= recovery << 7;
    return bytesToHex(out);
  }
  const out = new Uint8Array(65);
  out.set(rec.subarray(1));
  out[64] = 27 + recovery;
  return bytesToHex(out);
}
