import { ProtocolError } from "../errors/ProtocolError.ts";
import { keccak256 } from "../hash/keccak256.ts";
import { buildPositionSumTree } from "../sumtree/buildPositionSumTree.ts";
import type { Keccak256 } from "../types.ts";
import { writeHex } from "../utils/bytes.ts";
import { hashTicketReceiptNode } from "./hashTicketReceiptNode.ts";
import type { TicketReceiptNode, TicketReceiptsTree } from "./types.ts";

/**
 * A ticket's receipts tree (its `receiptsOfTicketRoot`): a position-bound sum tree over the ticket's credited
 * receipts sorted by (segment, chunk) (a copy; ties, which only a faulty epoch has, by relay then receiptId),
 * leaf hashTicketReceiptNode, value `size` (bytes): root sum = the ticket's `bytesIn`, length = its `count`.
 * Equal (segment, chunk) keys are kept: they are adjacent, which is what the duplicate proof shows.
 * Throws INVALID_ARGUMENT for a malformed receipt.
 */
export function buildTicketReceiptsTree(
  receipts: readonly TicketReceiptNode[],
  keccak: Keccak256 = keccak256,
): TicketReceiptsTree {
  const sorted = [...receipts].sort(
    (a, b) =>
      (a.segment < b.segment ? -1 : a.segment > b.segment ? 1 : 0) ||
      a.chunk - b.chunk ||
      compareHex(a.relay, b.relay) ||
      compareHex(a.receiptId, b.receiptId),
  );
  const hashes = new Uint8Array(sorted.length * 32);
  const values = new BigUint64Array(sorted.length);
  sorted.forEach((r, i) => {
    writeHex(hashes, i * 32, hashTicketReceiptNode(r, keccak), 32, "receipt");
    if (!Number.isSafeInteger(r.size) || r.size < 0 || r.size > 0xffffffff)
      throw new ProtocolError("INVALID_ARGUMENT", "receipt.size must be an integer in uint32 range.", {
        field: "receipt.size",
      });
    values[i] = BigInt(r.size);
  });
  return Object.assign(buildPositionSumTree(hashes, values, keccak), { receipts: sorted });
}

function compareHex(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}
