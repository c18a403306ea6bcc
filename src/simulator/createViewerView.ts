import type { Seat } from "./SimulationState.ts";
import type { SimulationViewer } from "./types.ts";

/** A read-only live view of a viewer seat and its current session. */
export function createViewerView(s: Seat): SimulationViewer {
  return {
    get index() {
      return s.index;
    },
    get active() {
      return s.session !== null;
    },
    get sessions() {
      return s.sessions;
    },
    get session() {
      return s.session
        ? { viewer: s.session.key.address, ticketHash: s.session.ticketHash, notAfter: s.session.notAfter }
        : null;
    },
    get attached() {
      return s.attached.map((r) => r.address);
    },
  };
}
