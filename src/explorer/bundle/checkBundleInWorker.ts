import type { Hex } from "../../protocol/types.ts";
import type { BundleCheck } from "./BundleCheck.ts";
import type { BundleHashReply, BundleHashRequest } from "./bundleHashWorker.ts";
import { checkBundleStream } from "./checkBundleStream.ts";

/** Bytes posted to the worker and not yet hashed, at most (the download waits beyond it). */
const WINDOW = 8 * 2 ** 20;

/**
 * checkBundleStream off the page's thread: the page reads the stream and posts each chunk (transferred, not copied)
 * to a Web Worker that hashes it (bundleHashWorker), keeping at most WINDOW bytes in flight, so the page stays
 * responsive while a large bundle is hashed and the file is never held whole in memory. Without Worker support the
 * stream is checked on this thread.
 */
export async function checkBundleInWorker(args: {
  url: string;
  body: ReadableStream<Uint8Array>;
  postedHash: Hex;
  onProgress?: (bytes: number) => void;
}): Promise<BundleCheck> {
  if (typeof Worker === "undefined") return checkBundleStream(args);
  const worker = new Worker(new URL("./bundleHashWorker.ts", import.meta.url), { type: "module" });
  const reader = args.body.getReader();
  let inFlight = 0;
  let hashed = 0;
  let wake: (() => void) | null = null;
  let failed: Error | null = null;
  let finish: { ok: (r: BundleCheck) => void; fail: (e: Error) => void } | null = null;
  const fail = (err: Error) => {
    failed ??= err;
    finish?.fail(err);
    wake?.();
  };
  worker.onerror = (e) => fail(new Error(`The bundle-hash worker failed: ${e.message || "it did not start"}`));
  worker.onmessage = (e: MessageEvent<BundleHashReply>) => {
    const m = e.data;
    if (m.type === "ack") {
      inFlight -= m.bytes;
      hashed += m.bytes;
      args.onProgress?.(hashed);
      wake?.();
    } else if (m.type === "done") finish?.ok({ url: args.url, ...m.result });
    else fail(new Error(`The bundle-hash worker failed: ${m.message}`));
  };
  const post = (m: BundleHashRequest, transfer: Transferable[] = []) => worker.postMessage(m, transfer);
  try {
    const done = new Promise<BundleCheck>((ok, failWith) => {
      finish = { ok, fail: failWith };
    });
    done.catch(() => undefined);
    post({ type: "start", postedHash: args.postedHash });
    for (;;) {
      while (inFlight > WINDOW && !failed) await new Promise<void>((r) => (wake = r));
      if (failed) throw failed;
      const { done: ended, value } = await reader.read();
      if (ended) break;
      inFlight += value.length;
      const own = value.byteOffset === 0 && value.byteLength === value.buffer.byteLength;
      const chunk = own ? value : value.slice();
      post({ type: "chunk", chunk }, [chunk.buffer as ArrayBuffer]);
    }
    post({ type: "end" });
    return await done;
  } catch (err) {
    await reader.cancel().catch(() => undefined);
    throw err;
  } finally {
    reader.releaseLock();
    worker.terminate();
  }
}
