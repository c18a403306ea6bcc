import type { BundleTicketRow } from "./types.ts";

/** A `ticket` line, ending in "\n" (see headerLine for the encoding). */
export function ticketLine(t: BundleTicketRow): string {
  return (
    `{"type":"ticket","ticketHash":"${t.ticketHash}","ticket":{"poolId":"${t.poolId}",` +
    `"streamId":"${t.streamId}","viewer":"${t.viewer}","notBefore":"${t.notBefore}","notAfter":"${t.notAfter}",` +
    `"maxBytes":"${t.maxBytes}"},"signature":"${t.signature}"}\n`
  );
}
