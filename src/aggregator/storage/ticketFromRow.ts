import type { Hex } from "../../protocol/types.ts";
import type { StoredTicket } from "./IngestStore.ts";

/** A `tickets` row (either engine: SQLite gives numbers, pg gives BIGINT as text) as the ingest path's ticket. */
export function ticketFromRow(row: Record<string, string | number>): StoredTicket {
  return {
    signed: {
      ticket: {
        poolId: row.pool_id as Hex,
        streamId: row.stream_id as Hex,
        viewer: row.viewer as Hex,
        notBefore: BigInt(row.not_before!),
        notAfter: BigInt(row.not_after!),
        maxBytes: BigInt(row.max_bytes!),
      },
      signature: row.signature as Hex,
    },
    bytesAccepted: BigInt(row.bytes_accepted!),
  };
}
