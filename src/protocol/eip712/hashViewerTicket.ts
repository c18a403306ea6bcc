import { keccak256 } from "../hash/keccak256.ts";
import type { Hex, Keccak256, ViewerTicket } from "../types.ts";
import { bytesToHex } from "../utils/bytes.ts";
import { encodeViewerTicket } from "./encodeViewerTicket.ts";

/** The ticket's EIP-712 struct hash (`hashStruct`, not the digest): this is `ticketHash`. */
export function hashViewerTicket(ticket: ViewerTicket, keccak: Keccak256 = keccak256): Hex {
  return bytesToHex(keccak(encodeViewerTicket(ticket)));
}
