// Worker-thread entry: runs one epoch close off the main thread, so ingest keeps answering while it runs.
import { parentPort, workerData } from "node:worker_threads";
import { type PrepareEpochInput, prepareEpoch } from "./prepareEpoch.ts";

try {
  const result = await prepareEpoch(workerData as PrepareEpochInput);
  parentPort!.postMessage({ ok: true, result });
} catch (err) {
  parentPort!.postMessage({
    ok: false,
    message: err instanceof Error ? err.message : String(err),
    stack: err instanceof Error ? err.stack : undefined,
  });
}
