import { keccak256 } from "../hash/keccak256.ts";
import type { Hex, Keccak256 } from "../types.ts";
import { bytesToHex, hexToBytes } from "../utils/bytes.ts";

/**
 * `signatureHash` / `ticketSignatureHash` of the commitments: keccak256 of the signature's bytes exactly as
 * received (64 or 65 bytes; any length is hashed as given). Throws INVALID_ARGUMENT when `signature` is not hex.
 */
export function hashSignature(signature: Hex, keccak: Keccak256 = keccak256): Hex {
  return bytesToHex(keccak(hexToBytes(signature, undefined, "signature")));
}
