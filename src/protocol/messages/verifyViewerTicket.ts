import { ProtocolError } from "../errors/ProtocolError.ts";
import type { Address, MeshpayDomain, SignedViewerTicket } from "../types.ts";
import { recoverViewerTicketSigner } from "./recoverViewerTicketSigner.ts";

/** True when the ViewerTicket is validly signed by `signer`; false for a refused signature or another signer. */
export function verifyViewerTicket(signed: SignedViewerTicket, domain: MeshpayDomain, signer: Address): boolean {
  try {
    return recoverViewerTicketSigner(signed, domain) === signer.toLowerCase();
  } catch (err) {
    if (err instanceof ProtocolError) return false;
    throw err;
  }
}
