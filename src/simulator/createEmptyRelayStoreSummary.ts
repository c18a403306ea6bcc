import type { RelayStoreSummary } from "./readRelayStoreSummary.ts";

/** A relay store summary of an empty store (a relay that stored nothing yet). */
export function createEmptyRelayStoreSummary(): RelayStoreSummary {
  return {
    byStatus: { pending: 0, submitting: 0, accepted: 0, rejected: 0, failed: 0 },
    total: 0,
    acceptedBytes: 0,
    alreadyAccepted: 0,
    acceptedByEpoch: {},
    rejectedByCode: {},
    failedByCode: {},
  };
}
