import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Hex } from "../../protocol/types.ts";
import { bytesToHex } from "../../protocol/utils/bytes.ts";
import type { BundleCheck, BundlePoolLine } from "./BundleCheck.ts";

/**
 * Reads a bundle stream once, chunk by chunk: keccak256 over the exact bytes (compared with the hash posted on
 * chain) and the header and pool lines parsed on the way. Only the current line is held, never the whole file.
 */
export async function checkBundleStream(args: {
  url: string;
  body: ReadableStream<Uint8Array>;
  postedHash: Hex;
  onProgress?: (bytes: number) => void;
}): Promise<BundleCheck> {
  const hasher = keccak_256.create();
  const decoder = new TextDecoder();
  const reader = args.body.getReader();
  let bytes = 0;
  let pending = "";
  let lineNo = 0;
  let header: BundleCheck["header"] = null;
  const pools: BundlePoolLine[] = [];
  let malformed: string | null = null;
  const onLine = (line: string) => {
    lineNo++;
    if (malformed) return;
    if (lineNo > 1 && !line.startsWith('{"type":"pool"')) return;
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
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hasher.update(value);
    bytes += value.length;
    args.onProgress?.(bytes);
    pending += decoder.decode(value, { stream: true });
    let nl = pending.indexOf("\n");
    while (nl >= 0) {
      onLine(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
      nl = pending.indexOf("\n");
    }
  }
  pending += decoder.decode();
  if (pending !== "") onLine(pending);
  const hash = bytesToHex(hasher.digest());
  return {
    url: args.url,
    bytes,
    hash,
    postedHash: args.postedHash.toLowerCase() as Hex,
    matches: hash === args.postedHash.toLowerCase(),
    header,
    pools,
    malformed,
  };
}
