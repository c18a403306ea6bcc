import { closeRelay } from "./closeRelay.ts";
import { openRelay } from "./openRelay.ts";
import type { SimulationState } from "./SimulationState.ts";

/** Online relays leave at the churn rate (never below minOnlineRelays); offline ones come back when due. */
export async function churnRelays(sim: SimulationState, at: number, dtSeconds: number): Promise<void> {
  const { o, events } = sim;
  const pRelayLeave = 1 - Math.exp((-o.churn.relaysPerMinute / 60) * dtSeconds);
  let online = sim.relayStates.filter((r) => r.online).length;
  for (const r of sim.relayStates) {
    if (r.online) {
      if (online > o.churn.minOnlineRelays && events.chance(pRelayLeave)) {
        r.online = false;
        r.leaves++;
        online--;
        r.offlineUntil = at + events.exponential(o.churn.relayOfflineSeconds * 1000);
        await closeRelay(r);
      }
    } else if (at >= r.offlineUntil) {
      r.online = true;
      r.joins++;
      online++;
      await openRelay(sim, r);
    }
  }
}
