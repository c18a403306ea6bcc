import { flushRelay } from "./flushRelay.ts";
import type { SimulationState } from "./SimulationState.ts";

/** Waits for the background flushes, then flushes every open relay and every cheater. */
export async function flushAllRelays(sim: SimulationState): Promise<void> {
  await Promise.all([...sim.background]);
  await Promise.all([
    ...sim.relayStates.filter((r) => r.open).map((r) => flushRelay(r)),
    ...sim.cheaters.map((r) => r.cheat!.flush()),
  ]);
}
