import { keccak256 } from "../hash/keccak256.ts";
import type { ChunkReceipt, Hex, Keccak256, MeshpayDomain } from "../types.ts";
import { getDomainSeparator } from "./getDomainSeparator.ts";
import { getTypedDataDigest } from "./getTypedDataDigest.ts";
import { hashChunkReceipt } from "./hashChunkReceipt.ts";

/** receiptId: the EIP-712 digest of the receipt (what the viewer signs). For bulk use createReceiptVerifier. */
export function getReceiptId(receipt: ChunkReceipt, domain: MeshpayDomain, keccak: Keccak256 = keccak256): Hex {
  return getTypedDataDigest(getDomainSeparator(domain, keccak), hashChunkReceipt(receipt, keccak), keccak);
}
