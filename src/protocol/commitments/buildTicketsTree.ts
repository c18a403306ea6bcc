import { keccak256 } from "../hash/keccak256.ts";
import type { Keccak256 } from "../types.ts";
import { buildKeyedPositionSumTree } from "./buildKeyedPositionSumTree.ts";
import type { KeyedPositionSumTree, KeyedSumEntry } from "./types.ts";

/**
 * The epoch's tickets tree from already-hashed tickets: `key` = ticketHash, `hash` = hashTicketNode(ticket),
 * `value` = the ticket's `bytesIn` (bytes), so that a caller streams each ticket's receipts
 * (buildTicketReceiptsTree → its receiptsOfTicketRoot), hashes the ticket and keeps only this entry. Sorted by
 * ticketHash (a copy); only tickets with a credited receipt this epoch. Throws INVALID_ARGUMENT for a malformed
 * entry or a ticketHash listed twice.
 */
export function buildTicketsTree(
  tickets: readonly KeyedSumEntry[],
  keccak: Keccak256 = keccak256,
): KeyedPositionSumTree {
  return buildKeyedPositionSumTree(tickets, 32, keccak);
}
