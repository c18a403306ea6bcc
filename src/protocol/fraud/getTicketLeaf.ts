import type { FraudEpoch, TicketLeaf } from "./types.ts";

/** The tickets-tree leaf (IFraudProver TicketLeaf) of tickets[index], its receiptsOfTicketRoot from its receipts. */
export function getTicketLeaf(epoch: FraudEpoch, index: number): TicketLeaf {
  const { receipts: _, ...ticket } = epoch.tickets[index]!;
  return { ...ticket, receiptsOfTicketRoot: epoch.ticketReceiptsTrees[index]!.rootHash };
}
