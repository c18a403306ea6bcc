import { ProtocolError } from "../errors/ProtocolError.ts";
import type { Address, MeshpayDomain, SignedChunkReceipt } from "../types.ts";
import { recoverChunkReceiptSigner } from "./recoverChunkReceiptSigner.ts";

/** True when the ChunkReceipt is validly signed by `signer`; false for a refused signature or another signer. */
export function verifyChunkReceipt(signed: SignedChunkReceipt, domain: MeshpayDomain, signer: Address): boolean {
  try {
    return recoverChunkReceiptSigner(signed, domain) === signer.toLowerCase();
  } catch (err) {
    if (err instanceof ProtocolError) return false;
    throw err;
  }
}
