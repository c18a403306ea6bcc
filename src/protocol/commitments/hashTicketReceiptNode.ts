import { keccak256 } from "../hash/keccak256.ts";
import type { Hex, Keccak256 } from "../types.ts";
import { bytesToHex, writeHex, writeUint } from "../utils/bytes.ts";
import type { TicketReceiptNode } from "./types.ts";

const buf = new Uint8Array(128);

/**
 * Leaf hash of a receipt in its ticket's receipts tree (`receiptsOfTicketRoot`): `keccak256(abi.encode(uint64
 * segment, uint32 chunk, address relay, bytes32 receiptId))` (the node's value is `size`, in bytes, not hashed).
 * Throws INVALID_ARGUMENT naming the field (`receipt.chunk`, …).
 */
export function hashTicketReceiptNode(
  receipt: Pick<TicketReceiptNode, "segment" | "chunk" | "relay" | "receiptId">,
  keccak: Keccak256 = keccak256,
): Hex {
  buf.fill(0, 0, 96);
  writeUint(buf, 24, receipt.segment, 8, "receipt.segment");
  writeUint(buf, 60, receipt.chunk, 4, "receipt.chunk");
  writeHex(buf, 76, receipt.relay, 20, "receipt.relay");
  writeHex(buf, 96, receipt.receiptId, 32, "receipt.receiptId");
  return bytesToHex(keccak(buf));
}
