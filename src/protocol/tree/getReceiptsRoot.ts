import { ZERO_HASH } from "../constants.ts";
import { keccak256 } from "../hash/keccak256.ts";
import type { Hex, Keccak256 } from "../types.ts";
import { buildReceiptsTree } from "./buildReceiptsTree.ts";

/** receiptsRoot of a set of receiptIds: bytes32(0) for none, else the receipts tree's root. */
export function getReceiptsRoot(receiptIds: readonly Hex[], keccak: Keccak256 = keccak256): Hex {
  return receiptIds.length === 0 ? ZERO_HASH : buildReceiptsTree(receiptIds, keccak).root;
}
