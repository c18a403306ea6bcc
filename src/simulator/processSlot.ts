import { churnRelays } from "./churnRelays.ts";
import { churnViewers } from "./churnViewers.ts";
import { deliverChunk } from "./deliverChunk.ts";
import { flushAllRelays } from "./flushAllRelays.ts";
import { flushRelay } from "./flushRelay.ts";
import { getSimulationProgress } from "./getSimulationProgress.ts";
import { handOverReceipts } from "./handOverReceipts.ts";
import { releaseLateReceipts } from "./releaseLateReceipts.ts";
import type { SimulationState } from "./SimulationState.ts";

/**
 * One chunk slot: flush at an epoch's end, hand over late receipts that are due, relay and viewer churn, the
 * deliveries, each relay storing what it collected, the cheaters' and direct relays' sends, and progress.
 */
export async function processSlot(sim: SimulationState, segment: number, chunk: number, at: number): Promise<void> {
  const { o } = sim;
  const epoch = sim.epochOf(at);
  if (sim.currentEpoch !== null && epoch !== sim.currentEpoch) {
    // An epoch ended: get its receipts to the aggregator well before it closes (in fast mode, before the
    // virtual clock moves past the epoch's last chunk).
    if (sim.fast) await flushAllRelays(sim);
    else for (const r of sim.relayStates) if (r.open) sim.track(flushRelay(r));
  }
  sim.virtualNow = at;
  sim.deliveryTime = at;
  sim.currentEpoch = epoch;
  sim.epochsSeen.add(epoch);
  const dtSeconds = sim.lastSlotAt === null ? 0 : (at - sim.lastSlotAt) / 1000;
  sim.lastSlotAt = at;
  sim.totals.chunkSlots++;

  await releaseLateReceipts(sim, at, false);
  await churnRelays(sim, at, dtSeconds);
  churnViewers(sim, at, dtSeconds);
  const collected = deliverChunk(sim, { segment, chunk, at, epoch });

  // Each relay stores what it collected in one transaction (acknowledging the viewers).
  for (const [relay, c] of collected) await handOverReceipts(sim, relay, c.receipts, c.tickets);

  if (sim.fast) {
    for (const r of sim.cheaters) if (r.cheat!.queued >= o.cheatBatch) await r.cheat!.flush();
  } else if (at >= sim.nextCheatFlushAt) {
    sim.nextCheatFlushAt = at + o.relayIntervalMs;
    for (const r of sim.cheaters) if (r.cheat!.queued > 0) sim.track(r.cheat!.flush());
    // Direct relays have no background loop of their own.
    for (const r of sim.relayStates)
      if (r.direct && r.open && r.direct.queued > 0 && !r.flushing) sim.track(flushRelay(r));
  }

  if (sim.options.onProgress && at >= sim.nextProgressAt) {
    sim.nextProgressAt = at + o.progressIntervalMs;
    sim.options.onProgress(getSimulationProgress(sim, at));
  }
}
