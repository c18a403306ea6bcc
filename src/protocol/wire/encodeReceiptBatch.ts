import { BINARY_BATCH_VERSION } from "../constants.ts";
import { ProtocolError } from "../errors/ProtocolError.ts";
import type { SignedChunkReceipt, SignedViewerTicket } from "../types.ts";
import { hexToBytes, writeHex, writeUint } from "../utils/bytes.ts";

/** Fixed bytes of a ticket record before its signature-length byte. */
export const TICKET_RECORD_FIXED = 108;
/** Fixed bytes of a receipt record before its signature-length byte. */
export const RECEIPT_RECORD_FIXED = 140;
/** version (1) + ticketCount (4) + receiptCount (4). */
export const BATCH_HEADER_LENGTH = 9;

/**
 * Compact binary batch (version 0x01): header, then tickets, then receipts, every integer big-endian,
 * each record followed by a signature-length byte (64 or 65) and the signature as given.
 * Byte layout in docs/protocol.md. Throws INVALID_ARGUMENT naming the field on bad input.
 */
export function encodeReceiptBatch(
  receipts: readonly SignedChunkReceipt[],
  tickets: readonly SignedViewerTicket[] = [],
): Uint8Array {
  const sigs = (list: readonly { signature: string }[], name: string) =>
    list.map((s, i) => {
      const sig = hexToBytes(s.signature, undefined, `${name}[${i}].signature`);
      if (sig.length !== 64 && sig.length !== 65)
        throw new ProtocolError("INVALID_ARGUMENT", `${name}[${i}].signature must be 64 or 65 bytes.`, {
          field: `${name}[${i}].signature`,
        });
      return sig;
    });
  const ticketSigs = sigs(tickets, "tickets");
  const receiptSigs = sigs(receipts, "receipts");
  let length = BATCH_HEADER_LENGTH;
  for (const s of ticketSigs) length += TICKET_RECORD_FIXED + 1 + s.length;
  for (const s of receiptSigs) length += RECEIPT_RECORD_FIXED + 1 + s.length;
  const out = new Uint8Array(length);
  out[0] = BINARY_BATCH_VERSION;
  writeUint(out, 1, tickets.length, 4, "ticketCount");
  writeUint(out, 5, receipts.length, 4, "receiptCount");
  let o = BATCH_HEADER_LENGTH;
  tickets.forEach(({ ticket: t }, i) => {
    const f = (n: string) => `tickets[${i}].ticket.${n}`;
    writeHex(out, o, t.poolId, 32, f("poolId"));
    writeHex(out, o + 32, t.streamId, 32, f("streamId"));
    writeHex(out, o + 64, t.viewer, 20, f("viewer"));
    writeUint(out, o + 84, t.notBefore, 8, f("notBefore"));
    writeUint(out, o + 92, t.notAfter, 8, f("notAfter"));
    writeUint(out, o + 100, t.maxBytes, 8, f("maxBytes"));
    const sig = ticketSigs[i]!;
    out[o + 108] = sig.length;
    out.set(sig, o + 109);
    o += TICKET_RECORD_FIXED + 1 + sig.length;
  });
  receipts.forEach(({ receipt: r }, i) => {
    const f = (n: string) => `receipts[${i}].receipt.${n}`;
    writeHex(out, o, r.poolId, 32, f("poolId"));
    writeHex(out, o + 32, r.ticketHash, 32, f("ticketHash"));
    writeHex(out, o + 64, r.relay, 20, f("relay"));
    writeUint(out, o + 84, r.segment, 8, f("segment"));
    writeUint(out, o + 92, r.chunk, 4, f("chunk"));
    writeHex(out, o + 96, r.chunkHash, 32, f("chunkHash"));
    writeUint(out, o + 128, r.size, 4, f("size"));
    writeUint(out, o + 132, r.deliveredAt, 8, f("deliveredAt"));
    const sig = receiptSigs[i]!;
    out[o + 140] = sig.length;
    out.set(sig, o + 141);
    o += RECEIPT_RECORD_FIXED + 1 + sig.length;
  });
  return out;
}
