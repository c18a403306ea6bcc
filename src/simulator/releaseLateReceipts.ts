import { handOverReceipts } from "./handOverReceipts.ts";
import type { Collected, LateReceipt, RelayState, SimulationState } from "./SimulationState.ts";

/** Hands the late receipts that are due at `at` (all of them when `all`) to their relays, if those are open. */
export async function releaseLateReceipts(sim: SimulationState, at: number, all: boolean): Promise<void> {
  if (sim.lateQueue.length === 0) return;
  const due = new Map<RelayState, Collected>();
  const keep: LateReceipt[] = [];
  for (const item of sim.lateQueue) {
    if ((all || item.releaseAt <= at) && item.relay.open) {
      let c = due.get(item.relay);
      if (!c) due.set(item.relay, (c = { receipts: [], tickets: new Map() }));
      c.receipts.push(item.receipt);
      c.tickets.set(item.ticketHash, item.ticket);
    } else keep.push(item);
  }
  sim.lateQueue = keep;
  for (const [relay, c] of due) await handOverReceipts(sim, relay, c.receipts, c.tickets);
}
