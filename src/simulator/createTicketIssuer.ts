import { hashViewerTicket } from "../protocol/eip712/hashViewerTicket.ts";
import { signViewerTicket } from "../protocol/messages/signViewerTicket.ts";
import type { Address, Hex, Keccak256, MeshpayDomain, SignedViewerTicket } from "../protocol/types.ts";

export type TicketIssuer = {
  /** Signs a ViewerTicket for `viewer` over [notBefore, notAfter] (unix ms) with at most `maxBytes`. */
  issue(args: { viewer: Address; notBefore: number; notAfter: number; maxBytes: bigint }): {
    signed: SignedViewerTicket;
    ticketHash: Hex;
  };
  /** Tickets issued so far. */
  readonly issued: number;
};

/** The broadcaster's ticket desk: signs one ViewerTicket per viewing session with the pool's ticketSigner key. */
export function createTicketIssuer(options: {
  domain: MeshpayDomain;
  poolId: Hex;
  streamId: Hex;
  ticketSignerKey: Hex;
  keccak?: Keccak256;
}): TicketIssuer {
  let issued = 0;
  return {
    issue({ viewer, notBefore, notAfter, maxBytes }) {
      const signed = signViewerTicket(
        {
          poolId: options.poolId.toLowerCase() as Hex,
          streamId: options.streamId.toLowerCase() as Hex,
          viewer: viewer.toLowerCase() as Address,
          notBefore: BigInt(Math.max(0, Math.floor(notBefore))),
          notAfter: BigInt(Math.floor(notAfter)),
          maxBytes,
        },
        options.domain,
        options.ticketSignerKey,
      );
      issued++;
      return { signed, ticketHash: hashViewerTicket(signed.ticket, options.keccak) };
    },
    get issued() {
      return issued;
    },
  };
}
