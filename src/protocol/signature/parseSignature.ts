import { ProtocolError } from "../errors/ProtocolError.ts";
import type { Hex } from "../types.ts";
import { compare32, decodeHexDigits, hexToBytes } from "../utils/bytes.ts";

/** A signature reduced to what ecrecover uses: `r ‖ s` (64 bytes) and the recovery bit. */
export type ParsedSignature = { compact: Uint8Array; recovery: 0 | 1 };

// n and n/2 of secp256k1, big-endian.
const N = hexToBytes("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 32, "n");
const HALF_N = hexToBytes("0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0", 32, "n/2");

/**
 * Strictly parses a 65-byte `r ‖ s ‖ v` or 64-byte EIP-2098 `r ‖ yParityAndS` signature with the
 * rules of OpenZeppelin's ECDSA.recover: v ∈ {27, 28} (0 and 1 are read as 27 and 28),
 * 0 < r < n, 0 < s ≤ n/2 (high-s signatures are refused).
 * Throws ProtocolError SIGNATURE_MALFORMED | SIGNATURE_BAD_V | SIGNATURE_BAD_RS | SIGNATURE_HIGH_S.
 */
export function parseSignature(signature: Hex | Uint8Array): ParsedSignature {
  const compact = new Uint8Array(64);
  let length: number;
  let v = 0;
  if (typeof signature === "string") {
    length = (signature.length - 2) / 2;
    if ((length !== 65 && length !== 64) || signature.charCodeAt(0) !== 48 || signature.charCodeAt(1) !== 120)
      throw new ProtocolError("SIGNATURE_MALFORMED", "Signature must be 65 or 64 bytes of 0x-hex.", {
        field: "signature",
      });
    const vByte = new Uint8Array(1);
    if (
      !decodeHexDigits(compact, 0, signature, 2, 64) ||
      (length === 65 && !decodeHexDigits(vByte, 0, signature, 130, 1))
    )
      throw new ProtocolError("SIGNATURE_MALFORMED", "Signature is not valid 0x-hex.", { field: "signature" });
    v = vByte[0]!;
  } else if (signature instanceof Uint8Array) {
    length = signature.length;
    if (length !== 65 && length !== 64)
      throw new ProtocolError("SIGNATURE_MALFORMED", `Signature must be 65 or 64 bytes (got ${length}).`, {
        field: "signature",
      });
    compact.set(signature.subarray(0, 64));
    if (length === 65) v = signature[64]!;
  } else {
    throw new ProtocolError("SIGNATURE_MALFORMED", "Signature must be a 0x-hex string or bytes.", {
      field: "signature",
    });
  }
  let recovery: 0 | 1;
  if (length === 65) {
    if (v === 27 || v === 0) recovery = 0;
    else if (v === 28 || v === 1) recovery = 1;
    else throw new ProtocolError("SIGNATURE_BAD_V", `Signature v must be 27 or 28 (got ${v}).`, { field: "signature" });
  } else {
    recovery = (compact[32]! >> 7) as 0 | 1;
    compact[32]! &= 0x7f;
  }
  if (isZero(compact, 0) || compare32(compact, 0, N, 0) >= 0)
    throw new ProtocolError("SIGNATURE_BAD_RS", "Signature r must be in [1, n-1].", { field: "signature" });
  if (isZero(compact, 32) || compare32(compact, 32, N, 0) >= 0)
    throw new ProtocolError("SIGNATURE_BAD_RS", "Signature s must be in [1, n-1].", { field: "signature" });
  if (compare32(compact, 32, HALF_N, 0) > 0)
    throw new ProtocolError("SIGNATURE_HIGH_S", "Signature s is in the upper half of the curve order (malleable).", {
      field: "signature",
    });
  return { compact, recovery };
}

function isZero(b: Uint8Array, o: number): boolean {
  for (let i = o; i < o + 32; i++) if (b[i] !== 0) return false;
  return true;
}
