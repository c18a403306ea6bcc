import { keccak256 } from "../hash/keccak256.ts";
import type { Hex, Keccak256, MeshpayDomain, ViewerTicket } from "../types.ts";
import { getDomainSeparator } from "./getDomainSeparator.ts";
import { getTypedDataDigest } from "./getTypedDataDigest.ts";
import { hashViewerTicket } from "./hashViewerTicket.ts";

/** EIP-712 digest of a ticket (what the ticketSigner signs). */
export function getViewerTicketDigest(ticket: ViewerTicket, domain: MeshpayDomain, keccak: Keccak256 = keccak256): Hex {
  return getTypedDataDigest(getDomainSeparator(domain, keccak), hashViewerTicket(ticket, keccak), keccak);
}
