import { BINARY_BATCH_VERSION } from "../constants.ts";
import { ProtocolError } from "../errors/ProtocolError.ts";
import type { Hex, SignedChunkReceipt, SignedViewerTicket } from "../types.ts";
import { bytesToHex, readUint } from "../utils/bytes.ts";
import { BATCH_HEADER_LENGTH, RECEIPT_RECORD_FIXED, TICKET_RECORD_FIXED } from "./encodeReceiptBatch.ts";

export type ReceiptBatch = { tickets: SignedViewerTicket[]; receipts: SignedChunkReceipt[] };

/**
 * Decodes a binary batch made by encodeReceiptBatch. Throws ProtocolError:
 * WIRE_UNKNOWN_VERSION (first byte is not 0x01), WIRE_TRUNCATED (input ends inside the header or a record),
 * WIRE_TRAILING_BYTES (bytes after the last record), WIRE_INVALID_FIELD (a signature length other than 64/65).
 * Hex fields come back lowercase; signatures are returned as encoded (not normalised).
 */
export function decodeReceiptBatch(bytes: Uint8Array): ReceiptBatch {
  if (!(bytes instanceof Uint8Array)) throw new ProtocolError("INVALID_ARGUMENT", "Batch must be a Uint8Array.");
  if (bytes.length === 0)
    throw new ProtocolError("WIRE_TRUNCATED", "Batch is empty: expected a version byte.", { field: "version" });
  if (bytes[0] !== BINARY_BATCH_VERSION)
    throw new ProtocolError(
      "WIRE_UNKNOWN_VERSION",
      `Unknown batch version 0x${bytes[0]!.toString(16).padStart(2, "0")}; this library reads 0x01.`,
      {
        field: "version",
      },
    );
  if (bytes.length < BATCH_HEADER_LENGTH)
    throw new ProtocolError("WIRE_TRUNCATED", `Batch header needs ${BATCH_HEADER_LENGTH} bytes, got ${bytes.length}.`, {
      field: "header",
    });
  const ticketCount = Number(readUint(bytes, 1, 4));
  const receiptCount = Number(readUint(bytes, 5, 4));
  const minimum =
    BATCH_HEADER_LENGTH + ticketCount * (TICKET_RECORD_FIXED + 65) + receiptCount * (RECEIPT_RECORD_FIXED + 65);
  if (bytes.length < minimum)
    throw new ProtocolError(
      "WIRE_TRUNCATED",
      `Batch declares ${ticketCount} tickets and ${receiptCount} receipts but holds only ${bytes.length} bytes.`,
      {
        field: "header",
      },
    );
  let o = BATCH_HEADER_LENGTH;
  const need = (n: number, field: string) => {
    if (o + n > bytes.length) throw new ProtocolError("WIRE_TRUNCATED", `Batch ends inside ${field}.`, { field });
  };
  const signature = (field: string): Hex => {
    need(1, field);
    const len = bytes[o]!;
    if (len !== 64 && len !== 65)
      throw new ProtocolError("WIRE_INVALID_FIELD", `${field} length byte must be 64 or 65, got ${len}.`, { field });
    need(1 + len, field);
    const sig = bytesToHex(bytes, o + 1, o + 1 + len);
    o += 1 + len;
    return sig;
  };
  const tickets: SignedViewerTicket[] = [];
  for (let i = 0; i < ticketCount; i++) {
    need(TICKET_RECORD_FIXED, `tickets[${i}]`);
    const ticket = {
      poolId: bytesToHex(bytes, o, o + 32),
      streamId: bytesToHex(bytes, o + 32, o + 64),
      viewer: bytesToHex(bytes, o + 64, o + 84),
      notBefore: readUint(bytes, o + 84, 8),
      notAfter: readUint(bytes, o + 92, 8),
      maxBytes: readUint(bytes, o + 100, 8),
    };
    o += TICKET_RECORD_FIXED;
    tickets.push({ ticket, signature: signature(`tickets[${i}].signature`) });
  }
  const receipts: SignedChunkReceipt[] = [];
  for (let i = 0; i < receiptCount; i++) {
    need(RECEIPT_RECORD_FIXED, `receipts[${i}]`);
    const receipt = {
      poolId: bytesToHex(bytes, o, o + 32),
      ticketHash: bytesToHex(bytes, o + 32, o + 64),
      relay: bytesToHex(bytes, o + 64, o + 84),
      segment: readUint(bytes, o + 84, 8),
      chunk: Number(readUint(bytes, o + 92, 4)),
      chunkHash: bytesToHex(bytes, o + 96, o + 128),
      size: Number(readUint(bytes, o + 128, 4)),
      deliveredAt: readUint(bytes, o + 132, 8),
    };
    o += RECEIPT_RECORD_FIXED;
    receipts.push({ receipt, signature: signature(`receipts[${i}].signature`) });
  }
  if (o !== bytes.length)
    throw new ProtocolError("WIRE_TRAILING_BYTES", `Batch has ${bytes.length - o} bytes after its last record.`, {
      field: "trailer",
    });
  return { tickets, receipts };
}
