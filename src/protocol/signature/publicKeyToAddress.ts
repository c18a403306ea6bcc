import { secp256k1 } from "@noble/curves/secp256k1.js";
import { ProtocolError } from "../errors/ProtocolError.ts";
import { keccak256 } from "../hash/keccak256.ts";
import type { Address, Hex, Keccak256 } from "../types.ts";
import { bytesToHex, hexToBytes } from "../utils/bytes.ts";

/**
 * Ethereum address of a secp256k1 public key given compressed (33 bytes), uncompressed
 * (65 bytes, 0x04 prefix) or raw x‖y (64 bytes). Returns lowercase hex.
 * Throws INVALID_ARGUMENT when the key is not a point on the curve.
 */
export function publicKeyToAddress(publicKey: Hex | Uint8Array, keccak: Keccak256 = keccak256): Address {
  return bytesToHex(keccak(uncompressedXY(publicKey)), 12, 32);
}

/** x ‖ y (64 bytes) of a public key in any of the three encodings; validates the point. */
export function uncompressedXY(publicKey: Hex | Uint8Array): Uint8Array {
  let bytes = typeof publicKey === "string" ? hexToBytes(publicKey, undefined, "publicKey") : publicKey;
  if (bytes.length === 64) bytes = Uint8Array.of(4, ...bytes);
  try {
    return secp256k1.Point.fromBytes(bytes).toBytes(false).subarray(1);
  } catch (cause) {
    throw new ProtocolError("INVALID_ARGUMENT", "Public key is not a valid secp256k1 point.", {
      field: "publicKey",
      cause,
    });
  }
}
