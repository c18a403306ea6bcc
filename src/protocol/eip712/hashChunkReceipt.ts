import { keccak256 } from "../hash/keccak256.ts";
import type { ChunkReceipt, Hex, Keccak256 } from "../types.ts";
import { bytesToHex } from "../utils/bytes.ts";
import { encodeChunkReceipt } from "./encodeChunkReceipt.ts";

/** The receipt's EIP-712 struct hash (`hashStruct`). The receiptId is the digest: see getReceiptId. */
export function hashChunkReceipt(receipt: ChunkReceipt, keccak: Keccak256 = keccak256): Hex {
  return bytesToHex(keccak(encodeChunkReceipt(receipt)));
}
