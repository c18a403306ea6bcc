import type { RelayState } from "./SimulationState.ts";

/** Flushes until nothing is left or `rounds` flushes made no progress possible (one flush at a time per relay). */
export async function flushRelay(r: RelayState, rounds = 3): Promise<void> {
  if (r.flushing) await r.flushing;
  const sdk = r.sdk;
  const direct = r.direct;
  if (!sdk && !direct) return;
  const work = (async () => {
    r.addedSinceFlush = 0;
    if (direct) return direct.flush();
    for (let i = 0; i < rounds; i++) {
      try {
        const result = await sdk!.flush();
        if (result.complete) return;
      } catch (error) {
        r.lastError = error;
        return;
      }
    }
  })();
  r.flushing = work;
  try {
    await work;
  } finally {
    if (r.flushing === work) r.flushing = null;
  }
}
