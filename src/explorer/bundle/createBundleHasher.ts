import { keccak_256 } from "@noble/hashes/sha3.js";
import { type BundleChunkReader, createBundleChunkReader } from "../../protocol/bundle/createBundleChunkReader.ts";
import type { BundleItem } from "../../protocol/bundle/types.ts";
import type { Hex } from "../../protocol/types.ts";
import { bytesToHex } from "../../protocol/utils/bytes.ts";
import type { BundleCheck, BundlePoolLine } from "./BundleCheck.ts";

export type BundleHasher = {
  /** Feeds the next chunk of the bundle's bytes (hashed, and its header and pools parsed). */
  update(chunk: Uint8Array): void;
  /** Once every chunk was fed: the keccak256 of them all against the posted hash, and what the bundle said. */
  finish(): Omit<BundleCheck, "url">;
};

/**
 * Incremental bundle check, either format (docs/bundle.md): keccak256 over the exact bytes (compared with the hash
 * posted on chain) and the header and pools read on the way by the one bundle parser (createBundleChunkReader).
 * Once the header's poolCount pools are read the bytes are only hashed. Only the current chunk is held, never the
 * whole file. Used on the page (checkBundleStream) and in the bundle-hash Web Worker (bundleHashWorker).
 */
export function createBundleHasher(postedHash: Hex): BundleHasher {
  const hasher = keccak_256.create();
  let bytes = 0;
  let reader: BundleChunkReader | null = createBundleChunkReader({ skipTicketsAndReceipts: true });
  let header: BundleCheck["header"] = null;
  let poolCount = 0;
  const pools: BundlePoolLine[] = [];
  let malformed: string | null = null;
  const items: BundleItem[] = [];
  /** Parses with `step`; stops parsing once header and pools are read, or at the first finding. */
  const parse = (step: (r: BundleChunkReader) => void) => {
    if (!reader) return;
    try {
      step(reader);
    } catch (err) {
      malformed = (err as { shortMessage?: string }).shortMessage ?? (err as Error).message;
      reader = null;
    }
    for (const item of items) {
      if (item.type === "header") {
        const h = item.header;
        poolCount = h.poolCount;
        header = {
          epoch: Number(h.epoch),
          root: h.root,
          receiptCount: h.receiptCount,
          leafCount: h.leafCount,
          ticketCount: h.ticketCount,
        };
      } else if (item.type === "pool") {
        const { type: _t, line: _l, ...pool } = item;
        pools.push(pool);
      }
    }
    items.length = 0;
    if (header && pools.length >= poolCount) reader = null;
  };
  return {
    update(chunk) {
      hasher.update(chunk);
      bytes += chunk.length;
      parse((r) => r.push(chunk, items));
    },
    finish() {
      parse((r) => r.finish(items));
      const hash = bytesToHex(hasher.digest());
      return {
        bytes,
        hash,
        postedHash: postedHash.toLowerCase() as Hex,
        matches: hash === postedHash.toLowerCase(),
        header,
        pools,
        malformed,
      };
    },
  };
}
