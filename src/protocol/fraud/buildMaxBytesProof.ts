import type { ViewerTicket } from "../types.ts";
import { findKeyPosition } from "./findKeyPosition.ts";
import { getNeighbours } from "./getNeighbours.ts";
import { getReceiptMembership } from "./getReceiptMembership.ts";
import { getSumPath } from "./getSumPath.ts";
import { getTicketLeaf } from "./getTicketLeaf.ts";
import type { FraudEpoch, MaxBytesProof, ReceiptLocation, TicketReceiptLeaf } from "./types.ts";

/** Which maxBytes fault to prove (IFraudProver MaxBytesProof modes). */
export type MaxBytesFault =
  /** tickets[ticket]: bytesBefore + bytesIn > viewerTicket.maxBytes. */
  | { readonly mode: 0; readonly ticket: number; readonly viewerTicket: ViewerTicket }
  /** tickets[ticket]'s bytesBefore: prevEpoch after the epoch, or = the epoch with bytesBefore ≠ 0 (no `other`), or ≠
   * other.bytesBefore + other.bytesIn of its leaf `otherTicket` in epoch `other` = prevEpoch. */
  | { readonly mode: 1; readonly ticket: number; readonly other?: FraudEpoch; readonly otherTicket?: number }
  /** tickets[ticket]'s prevEpoch `other` has no leaf of the ticket. */
  | { readonly mode: 2; readonly ticket: number; readonly other: FraudEpoch }
  /** `other`, between prevEpoch and the epoch, has leaf `otherTicket` of the ticket. */
  | { readonly mode: 3; readonly ticket: number; readonly other: FraudEpoch; readonly otherTicket: number }
  /** tickets[ticket]'s receipts tree does not sum to bytesIn or has another length than count (opens `receipt`). */
  | { readonly mode: 4; readonly ticket: number; readonly receipt?: number }
  /** credited receipt `credited` is not in its ticket's receipts tree: the proof's mode is the contract's 6 (ticket
   * absent from the tickets tree), 7 (its (segment, chunk) absent from the ticket's receipts tree) or 8 (that key
   * holds another relay, receiptId or size). */
  | { readonly mode: 6; readonly credited: ReceiptLocation };

/** maxBytes (kind 7): the tickets-tree leaf and path, and what the chosen mode opens. */
export function buildMaxBytesProof(epoch: FraudEpoch, fault: MaxBytesFault): MaxBytesProof {
  const ticketLeaves = (e: FraudEpoch) => e.tickets.map((_, i) => getTicketLeaf(e, i));
  const findTicket = (e: FraudEpoch, ticketHash: string) =>
    findKeyPosition(e.tickets.length, (i) => e.tickets[i]!.ticketHash.toLowerCase(), ticketHash.toLowerCase());
  if (fault.mode === 6) {
    const credited = getReceiptMembership(epoch, fault.credited);
    const node = credited.node;
    const t = findTicket(epoch, node.ticketHash);
    if (!t.found)
      return {
        mode: 6,
        data: epoch.data,
        credited,
        ticketAbsence: getNeighbours(epoch.ticketsTree, ticketLeaves(epoch), t.index),
      };
    const receipts = epoch.tickets[t.index]!.receipts;
    const key = (s: bigint, c: number) => `${s.toString(16).padStart(16, "0")}${c.toString(16).padStart(8, "0")}`;
    const r = findKeyPosition(
      receipts.length,
      (i) => key(receipts[i]!.segment, receipts[i]!.chunk),
      key(node.segment, node.chunk),
    );
    const leaves: TicketReceiptLeaf[] = receipts.map(({ size: _, ...leaf }) => leaf);
    const tree = epoch.ticketReceiptsTrees[t.index]!;
    const base = {
      data: epoch.data,
      ticket: getTicketLeaf(epoch, t.index),
      ticketPath: getSumPath(epoch.ticketsTree, t.index),
      credited,
    };
    return r.found
      ? { mode: 8, ...base, receipt: leaves[r.index]!, receiptPath: getSumPath(tree, r.index) }
      : { mode: 7, ...base, receiptAbsence: getNeighbours(tree, leaves, r.index) };
  }
  const base = {
    data: epoch.data,
    ticket: getTicketLeaf(epoch, fault.ticket),
    ticketPath: getSumPath(epoch.ticketsTree, fault.ticket),
  };
  switch (fault.mode) {
    case 0:
      return { mode: 0, ...base, viewerTicket: fault.viewerTicket };
    case 1:
    case 3:
      if (!fault.other || fault.otherTicket === undefined) return { mode: fault.mode, ...base };
      return {
        mode: fault.mode,
        ...base,
        otherEpoch: fault.other.epoch,
        otherData: fault.other.data,
        otherTicket: getTicketLeaf(fault.other, fault.otherTicket),
        otherTicketPath: getSumPath(fault.other.ticketsTree, fault.otherTicket),
      };
    case 2: {
      const at = findTicket(fault.other, epoch.tickets[fault.ticket]!.ticketHash);
      return {
        mode: 2,
        ...base,
        otherEpoch: fault.other.epoch,
        otherData: fault.other.data,
        ticketAbsence: getNeighbours(fault.other.ticketsTree, ticketLeaves(fault.other), at.index),
      };
    }
    case 4: {
      const i = fault.receipt ?? 0;
      const { size: _, ...receipt } = epoch.tickets[fault.ticket]!.receipts[i]!;
      return { mode: 4, ...base, receipt, receiptPath: getSumPath(epoch.ticketReceiptsTrees[fault.ticket]!, i) };
    }
  }
}
