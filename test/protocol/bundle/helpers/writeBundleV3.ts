import { createBundleRecordWriter } from "../../../../src/protocol/bundle/createBundleRecordWriter.ts";
import { BUNDLE_V3_MAGIC, type BundleV3 } from "../../../../src/protocol/bundle/types.ts";
import { signedChunkReceiptToJson } from "../../../../src/protocol/wire/signedChunkReceiptToJson.ts";
import { signedViewerTicketToJson } from "../../../../src/protocol/wire/signedViewerTicketToJson.ts";

/**
 * Writes `bundle` as a version-3 file with the protocol's record writer (rows in the JSON text forms an aggregator's
 * database holds); returns the bytes and the offset of the first leaf record.
 */
export function writeBundleV3(bundle: BundleV3): { bytes: Uint8Array; leavesOffset: number } {
  const w = createBundleRecordWriter(1024, { version: 3 });
  w.header(bundle.header);
  for (const p of bundle.pools) w.pool(p);
  for (const t of bundle.tickets) {
    const json = signedViewerTicketToJson(t.signed);
    w.ticket({
      ticketHash: t.ticketHash,
      ...json.ticket,
      signature: json.signature,
      bytesBefore: t.bytesBefore,
      bytesIn: t.bytesIn,
      count: t.count,
      prevEpoch: t.prevEpoch,
    });
  }
  for (const r of bundle.receipts) {
    const json = signedChunkReceiptToJson(r.signed);
    w.receipt({
      receiptId: r.receiptId,
      ...json.receipt,
      signature: json.signature,
      ticketPosition: r.ticketRecord === 0 ? undefined : r.ticketPosition,
      creditLeaf: r.creditLeaf,
    });
  }
  const main = w.take().slice();
  for (const l of bundle.leaves) w.leaf(l);
  w.end(bundle.receipts.length, bundle.leaves.length);
  const leaves = w.take();
  const bytes = new Uint8Array(8 + main.length + leaves.length);
  bytes.set(BUNDLE_V3_MAGIC);
  bytes.set(main, 8);
  bytes.set(leaves, 8 + main.length);
  return { bytes, leavesOffset: 8 + main.length };
}
