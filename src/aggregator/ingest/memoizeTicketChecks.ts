import type { ReceiptVerifier } from "../../protocol/createReceiptVerifier.ts";
import type { Address, ViewerTicket } from "../../protocol/types.ts";

/**
 * Wraps a ReceiptVerifier so a ticket object's hash and signer are computed once however many receipts of a batch
 * use it (validateReceipt asks for both on every receipt). Keyed by object identity: ingest holds one decoded
 * ticket object per ticket per batch and never mutates it.
 */
export function memoizeTicketChecks(verifier: ReceiptVerifier): ReceiptVerifier {
  const hashes = new WeakMap<ViewerTicket, Uint8Array>();
  const signers = new WeakMap<ViewerTicket, { signature: string; signer: Address }>();
  return {
    ...verifier,
    ticketHash(ticket) {
      let hash = hashes.get(ticket);
      if (!hash) {
        hash = verifier.ticketHash(ticket);
        hashes.set(ticket, hash);
      }
      return hash;
    },
    ticketSigner(ticket, signature) {
      const known = signers.get(ticket);
      if (known && known.signature === signature) return known.signer;
      const signer = verifier.ticketSigner(ticket, signature);
      signers.set(ticket, { signature, signer });
      return signer;
    },
  };
}
