import { getViewerTicketDigest } from "../eip712/getViewerTicketDigest.ts";
import { recoverAddress } from "../signature/recoverAddress.ts";
import type { Address, MeshpayDomain, SignedViewerTicket } from "../types.ts";

/** Address that signed a ViewerTicket (lowercase). Throws ProtocolError SIGNATURE_* when the signature is refused. */
export function recoverViewerTicketSigner(signed: SignedViewerTicket, domain: MeshpayDomain): Address {
  return recoverAddress(getViewerTicketDigest(signed.ticket, domain), signed.signature);
}
