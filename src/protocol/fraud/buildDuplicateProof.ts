import { getReceiptMembership } from "./getReceiptMembership.ts";
import { getSumPath } from "./getSumPath.ts";
import { getTicketLeaf } from "./getTicketLeaf.ts";
import type { DuplicateProof, FraudEpoch, ReceiptLocation } from "./types.ts";

/** Which duplicate to prove: two credits of one key (mode 0), or two receipts out of (segment, chunk) order or equal
 * in one ticket's receipts tree (mode 1, `first` below `second`). */
export type DuplicateFault =
  | {
      readonly mode: 0;
      readonly first: ReceiptLocation;
      /** The epoch of the second credit: the same one or an earlier one. */
      readonly otherEpoch: FraudEpoch;
      readonly second: ReceiptLocation;
    }
  | { readonly mode: 1; readonly ticket: number; readonly first: number; readonly second: number };

/**
 * duplicate (kind 2): mode 0, the receipt memberships of both credits of one (ticketHash, segment, chunk), `first`
 * in `epoch` and `second` in `otherEpoch` (≤ epoch; distinct positions); mode 1, the ticket's tickets-tree leaf and
 * the two ticket-receipt leaves with their paths.
 */
export function buildDuplicateProof(epoch: FraudEpoch, fault: DuplicateFault): DuplicateProof {
  if (fault.mode === 0)
    return {
      mode: 0,
      otherEpoch: fault.otherEpoch.epoch,
      first: getReceiptMembership(epoch, fault.first),
      second: getReceiptMembership(fault.otherEpoch, fault.second),
    };
  const tree = epoch.ticketReceiptsTrees[fault.ticket]!;
  const receipts = epoch.tickets[fault.ticket]!.receipts;
  const leaf = (i: number) => {
    const { size: _, ...r } = receipts[i]!;
    return r;
  };
  return {
    mode: 1,
    data: epoch.data,
    ticket: getTicketLeaf(epoch, fault.ticket),
    ticketPath: getSumPath(epoch.ticketsTree, fault.ticket),
    firstInTicket: leaf(fault.first),
    firstInTicketPath: getSumPath(tree, fault.first),
    secondInTicket: leaf(fault.second),
    secondInTicketPath: getSumPath(tree, fault.second),
  };
}
