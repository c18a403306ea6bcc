import type { SimulationState } from "./SimulationState.ts";
import { startSession } from "./startSession.ts";

/** Viewers leave at the churn rate; a left seat gets a new session once its rejoin time has come. */
export function churnViewers(sim: SimulationState, at: number, dtSeconds: number): void {
  const { o, events } = sim;
  const pViewerLeave = 1 - Math.exp((-o.churn.viewersPerMinute / 60) * dtSeconds);
  for (const seat of sim.seats) {
    if (seat.session) {
      if (events.chance(pViewerLeave)) {
        seat.session = null;
        seat.attached = [];
        seat.rejoinAt = at + events.exponential(o.churn.viewerRejoinSeconds * 1000);
      }
    } else if (at >= seat.rejoinAt) seat.session = startSession(sim, seat, at);
  }
}
