import { createEmptyForgedStats } from "./createEmptyForgedStats.ts";
import { readRelayStoreSummary } from "./readRelayStoreSummary.ts";
import type { RelayState } from "./SimulationState.ts";
import type { EpochTally, RelaySummary } from "./types.ts";

/**
 * One relay's part of the summary: what the simulator expects the aggregator to credit it beside what its store
 * (or, transport "direct", its poster) recorded of the aggregator's answers. Claims still queued count as unanswered.
 */
export function summarizeRelay(r: RelayState): RelaySummary {
  const store = r.direct ? structuredClone(r.ledger) : readRelayStoreSummary(r.dbPath);
  const byEpoch: EpochTally = {};
  for (const [e, t] of [...r.expected.byEpoch].sort((a, b) => a[0] - b[0])) byEpoch[String(e)] = { ...t };
  const forged = r.cheat ? r.cheat.stats() : createEmptyForgedStats();
  if (r.cheat) forged.unanswered += r.cheat.queued;
  return {
    index: r.index,
    address: r.address,
    cheater: r.cheater,
    online: r.online,
    joins: r.joins,
    leaves: r.leaves,
    sent: { ...r.sent },
    delivered: { ...r.delivered },
    lost: { ...r.lost },
    late: { ...r.late },
    expected: { receipts: r.expected.receipts, bytes: r.expected.bytes, byEpoch },
    receipts: {
      acknowledged: store.total,
      pending: store.byStatus.pending,
      submitting: store.byStatus.submitting,
      accepted: store.byStatus.accepted,
      alreadyAccepted: store.alreadyAccepted,
      acceptedBytes: store.acceptedBytes,
      acceptedByEpoch: store.acceptedByEpoch,
      rejected: store.byStatus.rejected,
      rejectedByCode: store.rejectedByCode,
      failed: store.byStatus.failed,
      failedByCode: store.failedByCode,
    },
    forged,
  };
}
