import { CHUNK_RECEIPT_TYPEHASH } from "../constants.ts";
import type { ChunkReceipt } from "../types.ts";
import { hexToBytes, writeHex, writeUint } from "../utils/bytes.ts";

const TYPEHASH = hexToBytes(CHUNK_RECEIPT_TYPEHASH, 32, "typehash");

/** Byte length of a ChunkReceipt's EIP-712 `typeHash ‖ encodeData` (9 words). */
export const CHUNK_RECEIPT_ENCODED_LENGTH = 9 * 32;

/**
 * Writes EIP-712 `typeHash ‖ encodeData(receipt)` (288 bytes) into `out` (fresh array by default).
 * Throws INVALID_ARGUMENT naming the field when a value is out of range or not hex.
 */
export function encodeChunkReceipt(
  receipt: ChunkReceipt,
  out: Uint8Array = new Uint8Array(CHUNK_RECEIPT_ENCODED_LENGTH),
): Uint8Array {
  out.fill(0, 0, CHUNK_RECEIPT_ENCODED_LENGTH);
  out.set(TYPEHASH, 0);
  writeHex(out, 32, receipt.poolId, 32, "poolId");
  writeHex(out, 64, receipt.ticketHash, 32, "ticketHash");
  writeHex(out, 96 + 12, receipt.relay, 20, "relay");
  writeUint(out, 128 + 24, receipt.segment, 8, "segment");
  writeUint(out, 160 + 28, receipt.chunk, 4, "chunk");
  writeHex(out, 192, receipt.chunkHash, 32, "chunkHash");
  writeUint(out, 224 + 28, receipt.size, 4, "size");
  writeUint(out, 256 + 24, receipt.deliveredAt, 8, "deliveredAt");
  return out;
}
