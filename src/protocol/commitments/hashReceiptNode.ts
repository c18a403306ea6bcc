import { keccak256 } from "../hash/keccak256.ts";
import type { Hex, Keccak256 } from "../types.ts";
import { bytesToHex, writeHex, writeUint } from "../utils/bytes.ts";
import type { ReceiptNode } from "./types.ts";

const buf = new Uint8Array(224);

/**
 * Leaf hash of a receipt in a relay receipts tree: `keccak256(abi.encode(bytes32 receiptId, bytes32 ticketHash,
 * uint64 segment, uint32 chunk, uint32 size, uint64 deliveredAt, bytes32 signatureHash))` (the node's value is
 * `size`, in bytes). Throws INVALID_ARGUMENT naming the field (`receipt.segment`, …) when one is malformed or out
 * of its range.
 */
export function hashReceiptNode(receipt: ReceiptNode, keccak: Keccak256 = keccak256): Hex {
  buf.fill(0);
  writeHex(buf, 0, receipt.receiptId, 32, "receipt.receiptId");
  writeHex(buf, 32, receipt.ticketHash, 32, "receipt.ticketHash");
  writeUint(buf, 88, receipt.segment, 8, "receipt.segment");
  writeUint(buf, 124, receipt.chunk, 4, "receipt.chunk");
  writeUint(buf, 156, receipt.size, 4, "receipt.size");
  writeUint(buf, 184, receipt.deliveredAt, 8, "receipt.deliveredAt");
  writeHex(buf, 192, receipt.signatureHash, 32, "receipt.signatureHash");
  return bytesToHex(keccak(buf));
}
