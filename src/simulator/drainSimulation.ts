import { closeRelay } from "./closeRelay.ts";
import { flushAllRelays } from "./flushAllRelays.ts";
import { openRelay } from "./openRelay.ts";
import { releaseLateReceipts } from "./releaseLateReceipts.ts";
import type { RelayState, SimulationState } from "./SimulationState.ts";

/**
 * After the last slot: every late receipt once its epoch closed (reopening an offline relay for it, closed
 * again after), then everything still unsent.
 */
export async function drainSimulation(sim: SimulationState, signal: AbortSignal): Promise<void> {
  await flushAllRelays(sim);
  sim.lateQueue.sort((a, b) => a.releaseAt - b.releaseAt);
  const reopened: RelayState[] = [];
  while (sim.lateQueue.length > 0 && !signal.aborted) {
    const dueAt = sim.lateQueue[0]!.releaseAt;
    if (sim.fast) sim.virtualNow = Math.max(sim.virtualNow, dueAt);
    else if (dueAt > sim.clock.now()) await sim.clock.sleep(dueAt - sim.clock.now(), signal);
    if (signal.aborted) break;
    const t = sim.now();
    for (const item of sim.lateQueue)
      if (item.releaseAt <= t && !item.relay.open) {
        await openRelay(sim, item.relay);
        reopened.push(item.relay);
      }
    await releaseLateReceipts(sim, t, false);
  }
  await flushAllRelays(sim);
  for (const r of reopened) if (!r.online) await closeRelay(r);
}
