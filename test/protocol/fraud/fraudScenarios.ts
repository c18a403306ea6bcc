// Faulty posts of the fraud-proof tests (no tests here), each with the faults findProvableFaults must list: checked
// in TypeScript by findProvableFaults.test.ts, and on chain (every proof built, sent to the Solidity FraudProver) by
// test/contracts/fraudProver.test.ts.
import type { FraudEpoch, FraudProofKind, ProvableFault } from "../../../src/protocol/fraud/types.ts";
import type { Hex } from "../../../src/protocol/types.ts";
import { addresses, genesisMs, keys } from "../fixtures.ts";
import { fraudEpoch } from "./fraudEpochFixture.ts";

export type FraudScenario = {
  readonly name: string;
  /** The judged post and the earlier posts it is compared with (all posted on chain). */
  readonly build: () => { readonly judged: FraudEpoch; readonly earlier: readonly FraudEpoch[] };
  /** The (kind, on-chain mode) of every fault expected, in findProvableFaults' order; mode undefined for kinds
   * without modes. */
  readonly expected: readonly (readonly [FraudProofKind, number | undefined])[];
};

/** (kind, mode) of each fault. */
export function kindsAndModes(faults: readonly ProvableFault[]): [FraudProofKind, number | undefined][] {
  return faults.map((f) => [f.kind, "mode" in f.proof ? Number(f.proof.mode) : undefined]);
}

const OTHER_POOL: Hex = `0x${"b7".repeat(32)}`;
const OTHER_STREAM: Hex = `0x${"d4".repeat(32)}`;
const one = (judged: FraudEpoch) => ({ judged, earlier: [] });
/** Epoch 1 after an honest epoch 0 (same ticket, segments 4..7), with epoch 1's options. */
const second = (options: Parameters<typeof fraudEpoch>[0] = {}, first = fraudEpoch()) => ({
  judged: fraudEpoch({ epoch: 1n, segmentBase: 4n, previous: first, ...options }),
  earlier: [first],
});

export const fraudScenarios: readonly FraudScenario[] = [
  { name: "an honest epoch", build: () => one(fraudEpoch()), expected: [] },
  { name: "an honest second epoch", build: () => second(), expected: [] },
  // badTicket, one per cause
  {
    name: "badTicket: the ticket signed by another key than the pool's signer",
    build: () => one(fraudEpoch({ receipt: () => ({ ticketSignerKey: keys.other }) })),
    expected: [
      ["badTicket", undefined],
      ["badTicket", undefined],
      ["badTicket", undefined],
      ["badTicket", undefined],
    ],
  },
  {
    name: "badTicket: receipts delivered before the ticket's window",
    build: () => one(fraudEpoch({ receipt: () => ({ ticket: { notBefore: genesisMs + 2_500n } }) })),
    // receipts 0, 1, 2 (delivered at +0, +1, +2 s) are outside; the relays' leaves hold 0, 2 and 1, 3
    expected: [
      ["badTicket", undefined],
      ["badTicket", undefined],
      ["badTicket", undefined],
    ],
  },
  {
    name: "badTicket: a receipt of epoch 1 credited in epoch 0",
    build: () =>
      one(
        fraudEpoch({ receipt: (i) => (i === 3 ? { receipt: { deliveredAt: genesisMs + 3_600_000n + 3_000n } } : {}) }),
      ),
    expected: [["badTicket", undefined]],
  },
  {
    name: "badTicket: a receipt of another pool",
    build: () => one(fraudEpoch({ receipt: (i) => (i === 0 ? { receipt: { poolId: OTHER_POOL } } : {}) })),
    expected: [["badTicket", undefined]],
  },
  {
    name: "badTicket: a receipt of another relay credited to this one",
    build: () => one(fraudEpoch({ receipt: (i) => (i === 1 ? { receipt: { relay: addresses.relay } } : {}) })),
    expected: [["badTicket", undefined]],
  },
  // duplicate
  {
    name: "duplicate: one (ticket, segment, chunk) credited twice in one epoch",
    build: () => one(fraudEpoch({ receipt: (i) => (i === 2 ? { receipt: { segment: 0n } } : {}) })),
    expected: [
      ["duplicate", 0],
      ["duplicate", 1],
    ],
  },
  {
    name: "duplicate: epoch 1 credits epoch 0's keys again",
    build: () => second({ segmentBase: 0n }),
    expected: [
      ["duplicate", 0],
      ["duplicate", 0],
      ["duplicate", 0],
      ["duplicate", 0],
    ],
  },
  // relayTotal with a count of another depth
  {
    name: "relayTotal: receiptCount 9 over 2 receipts",
    build: () =>
      one(
        fraudEpoch({
          claims: (cs) => cs.map((c, i) => (i === 0 ? { ...c, commitment: { ...c.commitment, receiptCount: 9n } } : c)),
        }),
      ),
    expected: [["relayTotal", 0]],
  },
  // cumulative across epochs
  {
    name: "cumulative: prevCumulative is not epoch 0's cumulative amount",
    build: () =>
      second({
        claims: (cs) =>
          cs.map((c, i) =>
            i === 0
              ? {
                  ...c,
                  leaf: { ...c.leaf, cumulativeAmount: c.leaf.cumulativeAmount + 1n },
                  commitment: { ...c.commitment, prevCumulative: c.commitment.prevCumulative + 1n },
                }
              : c,
          ),
      }),
    expected: [["cumulative", 0]],
  },
  {
    name: "cumulative: an account of epoch 0 dropped in epoch 1",
    build: () => second({ claims: (cs) => cs.filter((c) => c.leaf.account !== addresses.other) }),
    expected: [["cumulative", 2]],
  },
  {
    name: "cumulative: a prevCumulative without a leaf in epoch 0",
    build: () =>
      second(
        {
          claims: (cs) =>
            cs.map((c) =>
              c.leaf.account === addresses.other
                ? {
                    ...c,
                    leaf: { ...c.leaf, cumulativeAmount: c.leaf.cumulativeAmount + 5n },
                    commitment: { ...c.commitment, prevCumulative: 5n },
                  }
                : c,
            ),
        },
        fraudEpoch({ claims: (cs) => cs.filter((c) => c.leaf.account !== addresses.other) }),
      ),
    expected: [["cumulative", 3]],
  },
  {
    name: "cumulative: a pool-account leaf with another cumulativeAmount than its claim leaf",
    build: () =>
      one(
        fraudEpoch({
          input: (x) => ({
            ...x,
            pools: x.pools.map((p) => ({
              ...p,
              accounts: p.accounts.map((a, i) => (i === 1 ? { ...a, cumulativeAmount: a.cumulativeAmount + 1n } : a)),
            })),
          }),
        }),
      ),
    expected: [["cumulative", 5]],
  },
  // maxBytes across epochs and against the relays' trees
  {
    name: "maxBytes: bytesBefore is not epoch 0's bytesBefore + bytesIn",
    build: () =>
      second({ input: (x) => ({ ...x, tickets: x.tickets.map((t) => ({ ...t, bytesBefore: t.bytesBefore - 1n })) }) }),
    expected: [["maxBytes", 1]],
  },
  {
    name: "maxBytes: prevEpoch 0 does not hold the ticket",
    build: () =>
      second(
        { input: (x) => ({ ...x, tickets: x.tickets.map((t) => ({ ...t, prevEpoch: 0n })) }) },
        fraudEpoch({ receipt: () => ({ ticket: { streamId: OTHER_STREAM } }) }),
      ),
    expected: [["maxBytes", 2]],
  },
  {
    name: "maxBytes: the ticket presented as new while epoch 0 holds it",
    build: () =>
      second({ input: (x) => ({ ...x, tickets: x.tickets.map((t) => ({ ...t, prevEpoch: 1n, bytesBefore: 0n })) }) }),
    expected: [["maxBytes", 3]],
  },
  {
    name: "maxBytes: a credited receipt missing from its ticket's tree",
    build: () =>
      one(
        fraudEpoch({
          input: (x) => ({
            ...x,
            tickets: x.tickets.map((t) => {
              const receipts = t.receipts.slice(0, -1);
              const bytesIn = receipts.reduce((s, r) => s + BigInt(r.size), 0n);
              return { ...t, receipts, bytesIn, count: BigInt(receipts.length) };
            }),
          }),
        }),
      ),
    expected: [["maxBytes", 7]],
  },
  {
    name: "maxBytes: a ticket's receipt naming another relay than the credited one",
    build: () =>
      one(
        fraudEpoch({
          input: (x) => ({
            ...x,
            tickets: x.tickets.map((t) => ({
              ...t,
              receipts: t.receipts.map((r, i) => (i === 0 ? { ...r, relay: addresses.viewer } : r)),
            })),
          }),
        }),
      ),
    expected: [["maxBytes", 8]],
  },
];
