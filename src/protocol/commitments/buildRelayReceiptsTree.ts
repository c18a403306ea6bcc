import { keccak256 } from "../hash/keccak256.ts";
import type { Keccak256 } from "../types.ts";
import { createRelayReceiptsTreeBuilder } from "./createRelayReceiptsTreeBuilder.ts";
import type { ReceiptNode, RelayReceiptsTree } from "./types.ts";

/**
 * One claim leaf's relay receipts tree over `receipts` in any order: sorted by receiptId (a copy), then built as
 * createRelayReceiptsTreeBuilder does (root hash = receiptsRoot v2, root sum = epochBytes in bytes, length =
 * receiptCount; no receipts: the empty node (bytes32(0), 0)). A streaming caller with receipts already in order
 * uses the builder instead. Throws INVALID_ARGUMENT for a malformed receipt.
 */
export function buildRelayReceiptsTree(
  receipts: readonly ReceiptNode[],
  keccak: Keccak256 = keccak256,
): RelayReceiptsTree {
  const sorted = [...receipts].sort((a, b) => {
    const x = a.receiptId.toLowerCase();
    const y = b.receiptId.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const builder = createRelayReceiptsTreeBuilder(keccak);
  for (const receipt of sorted) builder.add(receipt);
  return builder.finish();
}
