import { getViewerTicketDigest } from "../eip712/getViewerTicketDigest.ts";
import { signDigest } from "../signature/signDigest.ts";
import type { Hex, MeshpayDomain, SignedViewerTicket, ViewerTicket } from "../types.ts";

/** Signs a ViewerTicket (EIP-712, domain "meshpay" v1) with `privateKey`; signed by the pool's ticketSigner. */
export function signViewerTicket(
  ticket: ViewerTicket,
  domain: MeshpayDomain,
  privateKey: Hex,
  form: "65" | "64" = "65",
): SignedViewerTicket {
  return { ticket, signature: signDigest(getViewerTicketDigest(ticket, domain), privateKey, form) };
}
