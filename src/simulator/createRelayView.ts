import type { RelayState } from "./SimulationState.ts";
import type { SimulationRelay } from "./types.ts";

const fields = ["index", "address", "privateKey", "dbPath", "cheater", "online", "sdk"] as const;

/** A read-only live view of a relay: each field reads the relay's current state. */
export function createRelayView(r: RelayState): SimulationRelay {
  const view = {} as SimulationRelay;
  for (const field of fields) Object.defineProperty(view, field, { get: () => r[field], enumerable: true });
  return view;
}
