import { VIEWER_TICKET_TYPEHASH } from "../constants.ts";
import type { ViewerTicket } from "../types.ts";
import { hexToBytes, writeHex, writeUint } from "../utils/bytes.ts";

const TYPEHASH = hexToBytes(VIEWER_TICKET_TYPEHASH, 32, "typehash");

/** Byte length of a ViewerTicket's EIP-712 `typeHash ‖ encodeData` (7 words). */
export const VIEWER_TICKET_ENCODED_LENGTH = 7 * 32;

/**
 * Writes EIP-712 `typeHash ‖ encodeData(ticket)` (224 bytes) into `out` (fresh array by default).
 * Throws INVALID_ARGUMENT naming the field when a value is out of range or not hex.
 */
export function encodeViewerTicket(
  ticket: ViewerTicket,
  out: Uint8Array = new Uint8Array(VIEWER_TICKET_ENCODED_LENGTH),
): Uint8Array {
  out.fill(0, 0, VIEWER_TICKET_ENCODED_LENGTH);
  out.set(TYPEHASH, 0);
  writeHex(out, 32, ticket.poolId, 32, "poolId");
  writeHex(out, 64, ticket.streamId, 32, "streamId");
  writeHex(out, 96 + 12, ticket.viewer, 20, "viewer");
  writeUint(out, 128 + 24, ticket.notBefore, 8, "notBefore");
  writeUint(out, 160 + 24, ticket.notAfter, 8, "notAfter");
  writeUint(out, 192 + 24, ticket.maxBytes, 8, "maxBytes");
  return out;
}
