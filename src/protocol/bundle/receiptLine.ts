import type { BundleReceiptRow } from "./types.ts";

/** A `receipt` line, ending in "\n" (see headerLine for the encoding). */
export function receiptLine(r: BundleReceiptRow): string {
  return (
    `{"type":"receipt","receiptId":"${r.receiptId}","receipt":{"poolId":"${r.poolId}",` +
    `"ticketHash":"${r.ticketHash}","relay":"${r.relay}","segment":"${r.segment}","chunk":${r.chunk},` +
    `"chunkHash":"${r.chunkHash}","size":${r.size},"deliveredAt":"${r.deliveredAt}"},` +
    `"signature":"${r.signature}"}\n`
  );
}
