import { Worker } from "node:worker_threads";
import type { PrepareEpochInput, PrepareEpochResult } from "./prepareEpoch.ts";

/**
 * Runs prepareEpoch in a worker thread (its own database connections and heap); rejects with the worker's error.
 * `heapLimitMiB` caps the worker's old generation: the close streams, but without a cap V8 lets its garbage grow the
 * heap to several times the live set (10^7 receipts of 10^6 relays: ~740 MiB live, ~2.7 GiB RSS uncapped, 1.3 GiB
 * with 1,280 MiB). Too low a cap fails the close with an out-of-memory error; the live set grows with the leaves
 * (every (relay, pool) that ever earned), ~0.7 KiB a leaf.
 */
export function runPrepareEpochInWorker(
  input: PrepareEpochInput,
  options: { heapLimitMiB?: number } = {},
): Promise<PrepareEpochResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./prepareEpochWorker.ts", import.meta.url), {
      workerData: input,
      ...(options.heapLimitMiB === undefined
        ? {}
        : { resourceLimits: { maxOldGenerationSizeMb: options.heapLimitMiB } }),
    });
    let settled = false;
    worker.once(
      "message",
      (m: { ok: true; result: PrepareEpochResult } | { ok: false; message: string; stack?: string }) => {
        settled = true;
        if (m.ok) resolve(m.result);
        else reject(Object.assign(new Error(`Epoch ${input.epoch} close failed: ${m.message}`), { stack: m.stack }));
      },
    );
    worker.once("error", (err) => {
      if (!settled) reject(err);
      settled = true;
    });
    worker.once("exit", (code) => {
      if (!settled) reject(new Error(`Epoch ${input.epoch} close worker exited with code ${code}.`));
      settled = true;
    });
  });
}
