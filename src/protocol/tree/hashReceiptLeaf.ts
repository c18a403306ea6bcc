import { keccak256 } from "../hash/keccak256.ts";
import type { Hex, Keccak256 } from "../types.ts";
import { bytesToHex, hexToBytes } from "../utils/bytes.ts";

/** Receipts-tree leaf of a receiptId: keccak256(keccak256(abi.encode(bytes32 receiptId))). */
export function hashReceiptLeaf(receiptId: Hex, keccak: Keccak256 = keccak256): Hex {
  return bytesToHex(keccak(keccak(hexToBytes(receiptId, 32, "receiptId"))));
}
