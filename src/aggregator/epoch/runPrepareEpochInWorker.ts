import { Worker } from "node:worker_threads";
import type { PrepareEpochInput, PrepareEpochResult } from "./prepareEpoch.ts";

/** Runs prepareEpoch in a worker thread (its own SQLite connection and heap); rejects with the worker's error. */
export function runPrepareEpochInWorker(input: PrepareEpochInput): Promise<PrepareEpochResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./prepareEpochWorker.ts", import.meta.url), { workerData: input });
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
