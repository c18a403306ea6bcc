import { createBundleChunkReader } from "../../../../src/protocol/bundle/createBundleChunkReader.ts";
import type { ReadBundleOptions } from "../../../../src/protocol/bundle/createBundleReader.ts";
import { rewardLeafToJson } from "../../../../src/protocol/bundle/rewardLeafToJson.ts";
import type { BundleItem } from "../../../../src/protocol/bundle/types.ts";
import { signedChunkReceiptToJson } from "../../../../src/protocol/wire/signedChunkReceiptToJson.ts";
import { signedViewerTicketToJson } from "../../../../src/protocol/wire/signedViewerTicketToJson.ts";

export type BundleLine = Record<string, any>;

/**
 * A bundle's items (either format) read by the one parser, each in the JSON form a v1 line holds (amounts as
 * decimal strings, header integers as numbers), so tests compare fields whatever the format.
 */
export function bundleLines(bytes: Uint8Array, options: ReadBundleOptions = {}): BundleLine[] {
  const reader = createBundleChunkReader(options);
  const items: BundleItem[] = [];
  reader.push(bytes, items);
  reader.finish(items);
  return items.map((item): BundleLine => {
    switch (item.type) {
      case "header":
        return { type: "header", ...mapValues(item.header, (v) => (typeof v === "bigint" ? Number(v) : v)) };
      case "ticket":
        return { type: "ticket", ticketHash: item.ticketHash, ...signedViewerTicketToJson(item.signed) };
      case "receipt":
        return { type: "receipt", receiptId: item.receiptId, ...signedChunkReceiptToJson(item.signed) };
      case "leaf": {
        const { type: _t, line: _l, ...leaf } = item;
        return { type: "leaf", ...rewardLeafToJson(leaf) };
      }
      default: {
        const { line: _l, ...rest } = item;
        return mapValues(rest, (v) => (typeof v === "bigint" ? String(v) : v));
      }
    }
  });
}

function mapValues(o: object, f: (v: unknown) => unknown): BundleLine {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}
