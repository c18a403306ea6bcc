import type { SimulationState } from "./SimulationState.ts";
import type { SimulationProgress } from "./types.ts";

/** Progress at simulated time `at`: the swarm's counters and, from the open relays, the aggregator's answers. */
export function getSimulationProgress(sim: SimulationState, at: number): SimulationProgress {
  let accepted = 0;
  let rejected = 0;
  let pending = 0;
  for (const r of sim.relayStates) {
    if (r.direct) {
      accepted += r.ledger.byStatus.accepted;
      rejected += r.ledger.byStatus.rejected;
      pending += r.ledger.byStatus.pending;
    } else if (r.sdk) {
      const s = r.sdk.stats();
      accepted += s.receipts.accepted;
      rejected += s.receipts.rejected;
      pending += s.receipts.pending + s.receipts.submitting;
    }
  }
  const { totals } = sim;
  return {
    at,
    epoch: sim.epochOf(at),
    wallMs: sim.wallMs + (sim.runStartedAt === null ? 0 : performance.now() - sim.runStartedAt),
    lagMs: sim.lagMs,
    activeViewers: sim.seats.filter((s) => s.session).length,
    onlineRelays: sim.relayStates.filter((r) => r.online).length,
    deliveries: totals.deliveries,
    receipts: totals.received,
    lost: totals.lost,
    late: totals.late,
    forged: totals.forged,
    accepted,
    rejected,
    pending,
  };
}
