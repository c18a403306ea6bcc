import { existsSync } from "node:fs";
import { openRelayStoreReader } from "../relay-sdk/relay/openRelayStoreReader.ts";
import { createEmptyRelayStoreSummary } from "./createEmptyRelayStoreSummary.ts";
import type { CodeCounts, EpochTally } from "./types.ts";

export type RelayStoreSummary = {
  byStatus: Record<"pending" | "submitting" | "accepted" | "rejected" | "failed", number>;
  total: number;
  acceptedBytes: number;
  alreadyAccepted: number;
  acceptedByEpoch: EpochTally;
  rejectedByCode: CodeCounts;
  failedByCode: CodeCounts;
};

/**
 * Reads what a relay SDK store holds through the relay SDK's read API (openRelayStoreReader, read-only):
 * receipts per status, accepted receipts and bytes per epoch the aggregator credited them to, and the codes
 * of refused receipts. Works while the relay has the file open (WAL) and after it closed it; a relay that never
 * opened its file has stored nothing.
 */
export function readRelayStoreSummary(dbPath: string): RelayStoreSummary {
  if (!existsSync(dbPath)) return createEmptyRelayStoreSummary();
  const reader = openRelayStoreReader(dbPath);
  try {
    const s = reader.summary();
    const { total, ...byStatus } = s.receipts;
    return {
      byStatus,
      total,
      acceptedBytes: s.bytes.accepted,
      alreadyAccepted: s.alreadyAccepted,
      acceptedByEpoch: s.acceptedByEpoch,
      rejectedByCode: s.rejectedByCode,
      failedByCode: s.failedByCode,
    };
  } finally {
    reader.close();
  }
}
