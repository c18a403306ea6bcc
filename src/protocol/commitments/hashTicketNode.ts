import { keccak256 } from "../hash/keccak256.ts";
import type { Hex, Keccak256 } from "../types.ts";
import { bytesToHex, writeHex, writeUint } from "../utils/bytes.ts";
import type { TicketNode } from "./types.ts";

const buf = new Uint8Array(224);

/**
 * Leaf hash of a ticket in the tickets tree: `keccak256(abi.encode(bytes32 ticketHash, bytes32
 * ticketSignatureHash, uint256 bytesBefore, uint256 bytesIn, bytes32 receiptsOfTicketRoot, uint256 count,
 * uint256 prevEpoch))` (bytes; the node's value is `bytesIn`). Throws INVALID_ARGUMENT naming the field
 * (`ticket.bytesIn`, …).
 */
export function hashTicketNode(ticket: TicketNode, keccak: Keccak256 = keccak256): Hex {
  writeHex(buf, 0, ticket.ticketHash, 32, "ticket.ticketHash");
  writeHex(buf, 32, ticket.ticketSignatureHash, 32, "ticket.ticketSignatureHash");
  writeUint(buf, 64, ticket.bytesBefore, 32, "ticket.bytesBefore");
  writeUint(buf, 96, ticket.bytesIn, 32, "ticket.bytesIn");
  writeHex(buf, 128, ticket.receiptsOfTicketRoot, 32, "ticket.receiptsOfTicketRoot");
  writeUint(buf, 160, ticket.count, 32, "ticket.count");
  writeUint(buf, 192, ticket.prevEpoch, 32, "ticket.prevEpoch");
  return bytesToHex(keccak(buf));
}
