import { keccak_256 } from "@noble/hashes/sha3.js";

/** Pure-JS keccak-256 (@noble/hashes): synchronous, browser-safe, the default everywhere. */
export function keccak256(data: Uint8Array): Uint8Array {
  return keccak_256(data);
}
