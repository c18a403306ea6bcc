import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Hex } from "../../protocol/types.ts";
import { bytesToHex } from "../../protocol/utils/bytes.ts";
import type { BundleCheck, BundlePoolLine } from "./BundleCheck.ts";

export type BundleHasher = {
  /** Feeds the next chunk of the bundle's bytes (hashed, and its header and pool lines parsed). */
  update(chunk: Uint8Array): void;
  /** Once every chunk was fed: the keccak256 of them all against the posted hash, and what the lines said. */
  finish(): Omit<BundleCheck, "url">;
};

/**
 * Incremental bundle check: keccak256 over the exact bytes (compared with the hash posted on chain) and the header
 * and pool lines parsed on the way. Only the current line is held, never the whole file. Used on the page
 * (checkBundleStream) and in the bundle-hash Web Worker (bundleHashWorker), chunk by chunk.
 */
export function createBundleHasher(postedHash: Hex): BundleHasher {
  const hasher = keccak_256.create();
  const decoder = new TextDecoder();
  let bytes = 0;
  let pending = "";
  let lineNo = 0;
  let header: BundleCheck["header"] = null;
  const pools: BundlePoolLine[] = [];
  let malformed: string | null = null;
  let linesDone = false;
  const onLine = (line: string) => {
    lineNo++;
    if (lineNo > 1 && !line.startsWith('{"type":"pool"')) {
      linesDone = true;
      return;
    }
    if (malformed) return;
    try {
      const o = JSON.parse(line);
      if (lineNo === 1) {
        if (o.type !== "header" || o.format !== "meshpay-bundle") throw new Error("the first line is not a header");
        header = {
          epoch: o.epoch,
          root: o.root,
          receiptCount: o.receiptCount,
          leafCount: o.leafCount,
          ticketCount: o.ticketCount,
        };
      } else
        pools.push({
          poolId: o.poolId,
          pricePerGB: BigInt(o.pricePerGB),
          available: BigInt(o.available),
          epochBytes: BigInt(o.epochBytes),
          rawTotal: BigInt(o.rawTotal),
          total: BigInt(o.total),
        });
    } catch (err) {
      malformed = `line ${lineNo}: ${(err as Error).message}`;
    }
  };
  return {
    update(chunk) {
      hasher.update(chunk);
      bytes += chunk.length;
      // A bundle's header and pool lines come first (docs/bundle.md): once another line starts, only the hash is
      // left to compute and the bytes are no longer decoded.
      if (linesDone) return;
      pending += decoder.decode(chunk, { stream: true });
      let start = 0;
      let nl = pending.indexOf("\n");
      while (nl >= 0 && !linesDone) {
        onLine(pending.slice(start, nl));
        start = nl + 1;
        nl = pending.indexOf("\n", start);
      }
      pending = linesDone ? "" : pending.slice(start);
      if (!linesDone && lineNo > 0 && pending.length > 0 && !'{"type":"pool"'.startsWith(pending.slice(0, 14)))
        linesDone = true;
    },
    finish() {
      if (!linesDone) {
        pending += decoder.decode();
        if (pending !== "") onLine(pending);
      }
      pending = "";
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
