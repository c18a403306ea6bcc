import type { Address } from "../protocol/types.ts";
import type { SignedChunkReceiptJson, SignedViewerTicketJson } from "../protocol/wire/jsonTypes.ts";
import { createBatchPoster } from "./createBatchPoster.ts";
import { createEmptyForgedStats } from "./createEmptyForgedStats.ts";
import type { CheatMode, ForgedStats } from "./types.ts";

export type ForgedClaim = {
  receipt: SignedChunkReceiptJson;
  ticket: SignedViewerTicketJson;
  ticketHash: string;
  mode: CheatMode;
};

export type CheatClient = {
  readonly relay: Address;
  /** Claims queued and not answered yet. */
  readonly queued: number;
  queue(claim: ForgedClaim): void;
  /** Sends everything queued, in batches (one at a time); resolves when each has an answer or failed for good. */
  flush(): Promise<void>;
  stats(): ForgedStats;
};

/**
 * The submission side of a cheating relay. A cheater cannot use the relay SDK for forged claims (it refuses
 * receipts not signed by the ticket's viewer), so this posts them straight to POST /v1/receipts as a cheater
 * would, with its own Idempotency-Keys, and tallies the aggregator's answers per forgery kind.
 */
export function createCheatClient(options: {
  aggregatorUrl: string;
  relay: Address;
  fetch?: typeof globalThis.fetch;
  maxBatchReceipts?: number;
  /** Distinguishes this client's idempotency keys from any other's. */
  keyPrefix: string;
}): CheatClient {
  const stats: ForgedStats = createEmptyForgedStats();
  const poster = createBatchPoster<CheatMode>({
    aggregatorUrl: options.aggregatorUrl,
    relay: options.relay,
    keyPrefix: options.keyPrefix,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.maxBatchReceipts ? { maxBatchReceipts: options.maxBatchReceipts } : {}),
    onResult(item, result) {
      const mode = stats.byMode[item.tag];
      if (result.status === "rejected") {
        stats.rejected++;
        mode.rejected++;
        for (const code of new Set(result.codes)) {
          stats.rejectedByCode[code] = (stats.rejectedByCode[code] ?? 0) + 1;
          mode.rejectedByCode[code] = (mode.rejectedByCode[code] ?? 0) + 1;
        }
      } else if (result.status === "unanswered") stats.unanswered++;
      else if (result.status === "already_accepted") {
        stats.alreadyAccepted++;
        mode.alreadyAccepted++;
      } else {
        stats.accepted++;
        mode.accepted++;
      }
    },
  });
  return {
    relay: options.relay,
    get queued() {
      return poster.queued;
    },
    queue(claim) {
      stats.submitted++;
      stats.byMode[claim.mode].submitted++;
      poster.queue({ receipt: claim.receipt, ticket: claim.ticket, ticketHash: claim.ticketHash, tag: claim.mode });
    },
    flush: () => poster.flush(),
    stats: () => structuredClone(stats),
  };
}
