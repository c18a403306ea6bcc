import { createReceiptVerifier, type ReceiptVerifier } from "../createReceiptVerifier.ts";
import { createFastKeccak256 } from "../hash/createFastKeccak256.ts";
import type { MeshpayDomain } from "../types.ts";
import { createNativeEcdsaBackend } from "./createNativeEcdsaBackend.ts";

/** The aggregator's fast ReceiptVerifier: hash-wasm keccak plus native libsecp256k1 recovery. Node only. */
export async function createNodeReceiptVerifier(options: {
  domain: MeshpayDomain;
  cacheSize?: number;
}): Promise<ReceiptVerifier> {
  return createReceiptVerifier({
    domain: options.domain,
    keccak: await createFastKeccak256(),
    backend: createNativeEcdsaBackend(),
    ...(options.cacheSize === undefined ? {} : { cacheSize: options.cacheSize }),
  });
}
