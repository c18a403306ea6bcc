// The module prepareEpoch's tamper seam loads (EpochTamperRef.module) when a fault is on: in the epoch close's
// worker thread, or in the caller's thread when prepareEpoch runs there.

import type { EpochTamper, EpochTamperContext } from "../../src/aggregator/epoch/EpochTamper.ts";
import type { BundleReceiptRow as BundleReceipt } from "../../src/protocol/bundle/types.ts";
import { faultTampers } from "./faultTampers.ts";
import { parseFault } from "./parseFault.ts";

/** The tamper that commits `options` (a FaultConfig) in its epoch; undefined in every other epoch. */
export function createEpochTamper(options: unknown, context: EpochTamperContext): EpochTamper | undefined {
  const fault = parseFault(options);
  if (fault.epoch !== context.epoch) return undefined;
  const { snapshot, epoch } = context;
  const relay = fault.relay ?? snapshot.getLowestRelay(epoch);
  const row = relay ? snapshot.getFirstReceiptOfRelay(epoch, relay) : undefined;
  const base: BundleReceipt | undefined = row && {
    receiptId: row.receipt_id as string,
    poolId: row.pool_id as string,
    ticketHash: row.ticket_hash as string,
    relay: row.relay as string,
    segment: row.segment as string,
    chunk: row.chunk as number,
    chunkHash: row.chunk_hash as string,
    size: row.size as number,
    deliveredAt: String(row.delivered_at),
    signature: row.signature as string,
  };
  return faultTampers[fault.kind]({ relay, base }, context);
}
