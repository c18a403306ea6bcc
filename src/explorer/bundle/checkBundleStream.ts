import type { Hex } from "../../protocol/types.ts";
import type { BundleCheck } from "./BundleCheck.ts";
import { createBundleHasher } from "./createBundleHasher.ts";

/**
 * Reads a bundle stream once, chunk by chunk, on this thread: keccak256 over the exact bytes (compared with the hash
 * posted on chain) and the header and pool lines parsed on the way (createBundleHasher). Only the current chunk is
 * held, never the whole file. checkBundleInWorker does the same off the page's thread.
 */
export async function checkBundleStream(args: {
  url: string;
  body: ReadableStream<Uint8Array>;
  postedHash: Hex;
  onProgress?: (bytes: number) => void;
}): Promise<BundleCheck> {
  const hasher = createBundleHasher(args.postedHash);
  const reader = args.body.getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hasher.update(value);
    bytes += value.length;
    args.onProgress?.(bytes);
  }
  return { url: args.url, ...hasher.finish() };
}
