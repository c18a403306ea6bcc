import type { ChunkReceipt } from "../types.ts";

/**
 * A receipt's uniqueness key `ticketHash:segment:chunk` (lowercase hex, decimal numbers): paid once, whoever delivered
 * it.
 */
export function getUniquenessKey(receipt: Pick<ChunkReceipt, "ticketHash" | "segment" | "chunk">): string {
  return `${receipt.ticketHash.toLowerCase()}:${receipt.segment}:${receipt.chunk}`;
}
