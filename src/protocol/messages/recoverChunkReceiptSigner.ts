import { getReceiptId } from "../eip712/getReceiptId.ts";
import { recoverAddress } from "../signature/recoverAddress.ts";
import type { Address, MeshpayDomain, SignedChunkReceipt } from "../types.ts";

/** Address that signed a ChunkReceipt (lowercase). Throws ProtocolError SIGNATURE_* when the signature is refused. */
export function recoverChunkReceiptSigner(signed: SignedChunkReceipt, domain: MeshpayDomain): Address {
  return recoverAddress(getReceiptId(signed.receipt, domain), signed.signature);
}
