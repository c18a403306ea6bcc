import type { Address } from "../protocol/types.ts";
import { type BatchPoster, createBatchPoster } from "./createBatchPoster.ts";
import type { RelayStoreSummary } from "./readRelayStoreSummary.ts";

/**
 * transport "direct": a relay's poster, straight to POST /v1/receipts with no local store. It keeps in `ledger`
 * what a relay SDK store would record of the aggregator's answers (the item's tag is the receipt's size).
 */
export function createDirectPoster(options: {
  aggregatorUrl: string;
  relay: Address;
  keyPrefix: string;
  fetch?: typeof globalThis.fetch;
  maxBatchReceipts: number;
  ledger: RelayStoreSummary;
}): BatchPoster<number> {
  const l = options.ledger;
  return createBatchPoster<number>({
    aggregatorUrl: options.aggregatorUrl,
    relay: options.relay,
    keyPrefix: options.keyPrefix,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    maxBatchReceipts: options.maxBatchReceipts,
    onResult(item, result) {
      l.byStatus.pending--;
      if (result.status === "rejected") {
        l.byStatus.rejected++;
        for (const code of new Set(result.codes)) l.rejectedByCode[code] = (l.rejectedByCode[code] ?? 0) + 1;
      } else if (result.status === "unanswered") {
        l.byStatus.failed++;
        l.failedByCode[result.code] = (l.failedByCode[result.code] ?? 0) + 1;
      } else {
        l.byStatus.accepted++;
        if (result.status === "already_accepted") l.alreadyAccepted++;
        l.acceptedBytes += item.tag;
        const e = (l.acceptedByEpoch[String(result.epoch)] ??= { receipts: 0, bytes: 0 });
        e.receipts++;
        e.bytes += item.tag;
      }
    },
  });
}
