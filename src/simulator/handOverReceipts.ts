import type { SignedChunkReceiptJson, SignedViewerTicketJson } from "../protocol/wire/jsonTypes.ts";
import { flushRelay } from "./flushRelay.ts";
import type { RelayState, SimulationState } from "./SimulationState.ts";

/**
 * A relay stores what it collected in one transaction (acknowledging the viewers); in fast mode it starts a
 * flush once it holds a batch.
 */
export async function handOverReceipts(
  sim: SimulationState,
  relay: RelayState,
  receipts: SignedChunkReceiptJson[],
  tickets: Map<string, SignedViewerTicketJson>,
): Promise<void> {
  if (relay.direct) {
    for (const [hash, json] of tickets) relay.ticketJsons.set(hash, json);
    for (const receipt of receipts) {
      const ticketHash = receipt.receipt.ticketHash;
      relay.direct.queue({
        receipt,
        ticket: relay.ticketJsons.get(ticketHash)!,
        ticketHash,
        tag: receipt.receipt.size,
      });
    }
    relay.ledger.byStatus.pending += receipts.length;
    relay.ledger.total += receipts.length;
  } else await relay.sdk!.addReceipts(receipts, tickets.size > 0 ? { tickets: [...tickets.values()] } : {});
  for (const hash of tickets.keys()) relay.knownTickets.add(hash);
  sim.totals.acknowledged += receipts.length;
  relay.addedSinceFlush += receipts.length;
  if (sim.fast && relay.addedSinceFlush >= sim.o.flushEvery) {
    relay.addedSinceFlush = 0;
    if (relay.flushing) await relay.flushing;
    sim.track(flushRelay(relay, 1));
  }
}
