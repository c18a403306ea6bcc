import { flushRelay } from "./flushRelay.ts";
import type { RelayState } from "./SimulationState.ts";

/** A relay leaves gracefully: stops its loop, submits what it holds and closes its SQLite file. */
export async function closeRelay(r: RelayState): Promise<void> {
  if (!r.open) return;
  if (r.flushing) await r.flushing;
  await r.sdk?.stop();
  await flushRelay(r);
  await r.sdk?.close();
  r.sdk = null;
  r.open = false;
}
