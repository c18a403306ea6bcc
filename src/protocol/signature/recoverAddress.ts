import { ProtocolError } from "../errors/ProtocolError.ts";
import { keccak256 } from "../hash/keccak256.ts";
import type { Address, Hex } from "../types.ts";
import { bytesToHex, hexToBytes } from "../utils/bytes.ts";
import { createJsEcdsaBackend } from "./createJsEcdsaBackend.ts";
import type { EcdsaBackend } from "./EcdsaBackend.ts";
import { parseSignature } from "./parseSignature.ts";

const jsBackend = createJsEcdsaBackend();

/**
 * Address that signed the 32-byte `digest`, with OpenZeppelin ECDSA.recover's rules (see parseSignature).
 * Throws ProtocolError with a SIGNATURE_* code when the signature is refused or nothing recovers.
 */
export function recoverAddress(
  digest: Hex | Uint8Array,
  signature: Hex | Uint8Array,
  backend: EcdsaBackend = jsBackend,
): Address {
  const { compact, recovery } = parseSignature(signature);
  const d = typeof digest === "string" ? hexToBytes(digest, 32, "digest") : digest;
  const pub = backend.recover(d, compact, recovery);
  if (!pub)
    throw new ProtocolError("SIGNATURE_UNRECOVERABLE", "No public key recovers from this signature.", {
      field: "signature",
    });
  return bytesToHex(keccak256(pub.subarray(1)), 12, 32);
}
