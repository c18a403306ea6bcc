import type { Address, Hex } from "../protocol/types.ts";
import type { SimulationState } from "./SimulationState.ts";
import { summarizeRelay } from "./summarizeRelay.ts";
import type { CodeCounts, RelaySummary, SimulationSummary, ViewerSummary } from "./types.ts";

/**
 * The summary so far: per relay what was expected beside what the aggregator answered (read from each relay's
 * store), the totals, and the checks (expected = accepted per epoch, late receipts and forged claims refused,
 * nothing left unsettled) with a sentence per problem.
 */
export function getSimulationSummary(
  sim: SimulationState,
  summaryOptions: { viewers?: boolean } = {},
): SimulationSummary {
  const { o, options, totals, seats, layout, epochParams } = sim;
  const problems: string[] = [];
  const relays: RelaySummary[] = sim.relayStates.map(summarizeRelay);
  for (const r of relays) {
    const a = JSON.stringify(r.expected.byEpoch);
    const b = JSON.stringify(r.receipts.acceptedByEpoch);
    if (a !== b) problems.push(`relay ${r.index} (${r.address}): expected per epoch ${a}, accepted ${b}`);
  }
  const expectedMatchesAccepted = problems.length === 0;
  const sum = (f: (r: RelaySummary) => number) => relays.reduce((n, r) => n + f(r), 0);
  const rejectedByCode: CodeCounts = {};
  for (const r of relays)
    for (const [code, n] of Object.entries(r.receipts.rejectedByCode))
      rejectedByCode[code] = (rejectedByCode[code] ?? 0) + n;
  const lateSubmitted = totals.late - sim.lateQueue.length;
  const honestRejected = sum((r) => r.receipts.rejected);
  const lateRefused = honestRejected === lateSubmitted && (rejectedByCode.EPOCH_CLOSED ?? 0) === lateSubmitted;
  if (!lateRefused)
    problems.push(
      `late receipts handed over: ${lateSubmitted}; honest receipts refused: ${honestRejected}` +
        ` (${JSON.stringify(rejectedByCode)})`,
    );
  const forged = {
    submitted: sum((r) => r.forged.submitted),
    accepted: sum((r) => r.forged.accepted),
    alreadyAccepted: sum((r) => r.forged.alreadyAccepted),
    rejected: sum((r) => r.forged.rejected),
    unanswered: sum((r) => r.forged.unanswered),
  };
  const forgedRefused = forged.accepted === 0 && forged.alreadyAccepted === 0 && forged.rejected === forged.submitted;
  if (!forgedRefused) problems.push(`forged claims: ${JSON.stringify(forged)}`);
  const pending = sum((r) => r.receipts.pending + r.receipts.submitting);
  const failed = sum((r) => r.receipts.failed);
  const settled = pending === 0 && failed === 0 && forged.unanswered === 0;
  if (!settled)
    problems.push(`unsettled: ${pending} pending/submitting, ${failed} failed, ${forged.unanswered} forged unanswered`);
  const viewers: ViewerSummary[] = seats.map((s) => ({
    index: s.index,
    sessions: s.sessions,
    active: s.session !== null,
    chunks: s.chunks,
    bytes: s.bytes,
    lost: s.lost,
    late: s.late,
    unserved: s.unserved,
  }));
  const expectedBytes: Record<string, Record<string, number>> = {};
  for (const r of relays)
    expectedBytes[r.address] = Object.fromEntries(Object.entries(r.expected.byEpoch).map(([e, t]) => [e, t.bytes]));
  return {
    format: "meshpay-sim-summary/1",
    seed: String(o.seed),
    mode: o.mode,
    signer: o.signer,
    transport: o.transport,
    poolId: options.poolId.toLowerCase() as Hex,
    streamId: sim.streamId,
    domain: {
      chainId: BigInt(options.domain.chainId).toString(),
      verifyingContract: options.domain.verifyingContract.toLowerCase() as Address,
    },
    epochParams: {
      genesisTime: Number(epochParams.genesisTime),
      epochSeconds: Number(epochParams.epochSeconds),
      graceSeconds: Number(epochParams.graceSeconds),
    },
    stream: {
      bitrateKbps: o.bitrateKbps,
      chunkBytes: o.chunkBytes,
      segmentSeconds: o.segmentSeconds,
      segmentBytes: layout.segmentBytes,
      chunksPerSegment: layout.chunksPerSegment,
    },
    workDir: sim.workDir,
    time: {
      startedAt: sim.startAt,
      endedAt: sim.streamEnd,
      drainedAt: sim.position,
      wallMs: Math.round(sim.wallMs),
      maxLagMs: sim.maxLagMs,
      epochs: [...sim.epochsSeen].sort((a, b) => a - b),
    },
    totals: {
      ticketsIssued: sim.issuer.issued,
      viewerSessions: seats.reduce((n, s) => n + s.sessions, 0),
      chunkSlots: totals.chunkSlots,
      skippedSlots: totals.skippedSlots,
      deliveries: totals.deliveries,
      received: totals.received,
      receivedBytes: totals.receivedBytes,
      lost: totals.lost,
      late: totals.late,
      lateHeld: sim.lateQueue.length,
      unserved: totals.unserved,
      expected: { receipts: sum((r) => r.expected.receipts), bytes: sum((r) => r.expected.bytes) },
      acknowledged: sum((r) => r.receipts.acknowledged),
      accepted: sum((r) => r.receipts.accepted),
      acceptedBytes: sum((r) => r.receipts.acceptedBytes),
      rejected: honestRejected,
      rejectedByCode,
      pending,
      failed,
      forged,
    },
    relays,
    ...(summaryOptions.viewers === false ? {} : { viewers }),
    expectedBytes,
    checks: {
      expectedMatchesAccepted,
      lateRefused,
      forgedRefused,
      settled,
      ok: expectedMatchesAccepted && lateRefused && forgedRefused && settled,
      problems,
    },
  };
}
