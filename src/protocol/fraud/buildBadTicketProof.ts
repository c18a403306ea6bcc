import { ProtocolError } from "../errors/ProtocolError.ts";
import { getReceiptMembership } from "./getReceiptMembership.ts";
import { getSumPath } from "./getSumPath.ts";
import { getTicketLeaf } from "./getTicketLeaf.ts";
import type { BadTicketProof, FraudEpoch, ReceiptLocation } from "./types.ts";

/**
 * badTicket (kind 1) against credited receipt `at`: its membership, the signed receipt, its ticket and the ticket's
 * signature, and the ticket's tickets-tree leaf and path (for ticketSignatureHash). Proves a fault when the ticket's
 * signer is not the pool's signer in force at delivery, the delivery is outside the ticket's window or the epoch,
 * or a pool/relay does not match the leaf. Throws INVALID_ARGUMENT when the ticket has no tickets-tree leaf (that
 * is a maxBytes proof, mode 6).
 */
export function buildBadTicketProof(epoch: FraudEpoch, at: ReceiptLocation): BadTicketProof {
  const r = epoch.claims[at.claim]!.receipts[at.receipt]!;
  const index = epoch.tickets.findIndex((t) => t.ticketHash.toLowerCase() === r.node.ticketHash.toLowerCase());
  if (index < 0)
    throw new ProtocolError("INVALID_ARGUMENT", `Ticket ${r.node.ticketHash} has no leaf in the tickets tree.`, {
      field: "at",
    });
  return {
    credited: getReceiptMembership(epoch, at),
    receipt: r.receipt,
    ticket: r.ticket,
    ticketSignature: r.ticketSignature,
    data: epoch.data,
    ticketLeaf: getTicketLeaf(epoch, index),
    ticketPath: getSumPath(epoch.ticketsTree, index),
  };
}
