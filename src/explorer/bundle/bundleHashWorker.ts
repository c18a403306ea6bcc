// The bundle-hash Web Worker (started by checkBundleInWorker): keccak256 of a bundle's bytes, posted to it chunk
// by chunk, off the page's thread, so that hashing a bundle of 100,000 leaves does not stall the page. Each chunk is
// acknowledged once hashed (the page sends the next ones within a bounded window: the bundle is never queued whole).
import type { Hex } from "../../protocol/types.ts";
import type { BundleCheck } from "./BundleCheck.ts";
import { type BundleHasher, createBundleHasher } from "./createBundleHasher.ts";

/** What the page posts: `start`, then every `chunk`, then `end`. */
export type BundleHashRequest =
  | { type: "start"; postedHash: Hex }
  | { type: "chunk"; chunk: Uint8Array }
  | { type: "end" };

/** What the worker answers: an `ack` per chunk, then `done` (or `error`). */
export type BundleHashReply =
  | { type: "ack"; bytes: number }
  | { type: "done"; result: Omit<BundleCheck, "url"> }
  | { type: "error"; message: string };

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<BundleHashRequest>) => void) | null;
  postMessage(message: BundleHashReply): void;
};
let hasher: BundleHasher | null = null;
scope.onmessage = (e) => {
  const m = e.data;
  try {
    if (m.type === "start") hasher = createBundleHasher(m.postedHash);
    else if (!hasher) throw new Error("no bundle started");
    else if (m.type === "chunk") {
      hasher.update(m.chunk);
      scope.postMessage({ type: "ack", bytes: m.chunk.length });
    } else {
      scope.postMessage({ type: "done", result: hasher.finish() });
      hasher = null;
    }
  } catch (err) {
    scope.postMessage({ type: "error", message: (err as Error).message });
  }
};
