import { getReceiptId } from "../eip712/getReceiptId.ts";
import { signDigest } from "../signature/signDigest.ts";
import type { ChunkReceipt, Hex, MeshpayDomain, SignedChunkReceipt } from "../types.ts";

/** Signs a ChunkReceipt (EIP-712, domain "meshpay" v1) with `privateKey`; signed by the ticket's viewer. */
export function signChunkReceipt(
  receipt: ChunkReceipt,
  domain: MeshpayDomain,
  privateKey: Hex,
  form: "65" | "64" = "65",
): SignedChunkReceipt {
  return { receipt, signature: signDigest(getReceiptId(receipt, domain), privateKey, form) };
}
