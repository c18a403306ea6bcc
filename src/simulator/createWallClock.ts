import type { SimulationClock } from "./types.ts";

/** The default clock of realtime mode: Date.now and setTimeout, a sleep that ends early when its signal aborts. */
export function createWallClock(): SimulationClock {
  return {
    now: () => Date.now(),
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", done);
          resolve();
        };
        const timer = setTimeout(done, Math.max(0, ms));
        signal?.addEventListener("abort", done, { once: true });
      }),
  };
}
