import { createKeccak } from "hash-wasm";
import type { Keccak256 } from "../types.ts";

/**
 * A keccak-256 backed by hash-wasm's WebAssembly build (~7x faster than the pure-JS one
 * on small inputs). Works in Node and browsers; must be awaited once, then is synchronous.
 */
export async function createFastKeccak256(): Promise<Keccak256> {
  const hasher = await createKeccak(256);
  return (data: Uint8Array): Uint8Array => {
    hasher.init();
    hasher.update(data);
    return hasher.digest("binary");
  };
}
