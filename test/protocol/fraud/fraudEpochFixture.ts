// Shared fixture of the fraud-proof tests (no tests here): honest epochs of one pool, one viewer ticket, four receipts
// and two relays, as a bundle commits them (FraudEpochInput), with hooks to build one fault. The receipts and tickets
// are signed with test/protocol/fixtures.ts's domain: on a fresh Hardhat chain the first contract its first account
// deploys (the FraudProofSourceHarness in test/contracts/fraudProver.test.ts) has that verifyingContract.
import { hashEpochCommitment } from "../../../src/protocol/commitments/hashEpochCommitment.ts";
import { hashSignature } from "../../../src/protocol/commitments/hashSignature.ts";
import { getReceiptId } from "../../../src/protocol/eip712/getReceiptId.ts";
import { buildFraudEpoch } from "../../../src/protocol/fraud/buildFraudEpoch.ts";
import type {
  FraudEpoch,
  FraudEpochClaim,
  FraudEpochInput,
  FraudEpochReceipt,
  FraudFacts,
} from "../../../src/protocol/fraud/types.ts";
import { signChunkReceipt } from "../../../src/protocol/messages/signChunkReceipt.ts";
import { signViewerTicket } from "../../../src/protocol/messages/signViewerTicket.ts";
import type { ChunkReceipt, Hex, ViewerTicket } from "../../../src/protocol/types.ts";
import { addresses, domain, epochParams, genesisMs, keys, makeReceipt, makeTicket, poolId } from "../fixtures.ts";

/** Token base units per 1e9 bytes. */
export const PRICE = 1_000_000n;
/** The pools' scaleBalance (token base units): every epoch below is paid in full. */
export const SCALE_BALANCE = 10n ** 20n;
const ZERO: Hex = `0x${"00".repeat(32)}`;

/** The chain's facts for these epochs (`earlier`: the earlier posts compared with). */
export function fraudFacts(earlier: readonly FraudEpoch[] = []): FraudFacts {
  return {
    domain,
    epochParams,
    priceAt: () => PRICE,
    ticketSignerAt: () => addresses.ticketSigner,
    earlier,
  };
}

/** What receipt `i` (0..3; even ones credited to addresses.relay, odd ones to addresses.other) is made of. */
export type ReceiptChange = {
  readonly ticket?: Partial<ViewerTicket>;
  readonly receipt?: Partial<ChunkReceipt>;
  /** The ticket's signer (default keys.ticketSigner). */
  readonly ticketSignerKey?: Hex;
};

export type FraudEpochOptions = {
  /** Epoch number (default 0); receipt i is delivered at the epoch's start + i seconds. */
  readonly epoch?: bigint;
  /** Receipt i has segment segmentBase + i (default 0). */
  readonly segmentBase?: bigint;
  /** The honest previous epoch: cumulative amounts and the ticket's bytes carry on from it. */
  readonly previous?: FraudEpoch;
  readonly receipt?: (i: number) => ReceiptChange;
  /** Edits the claims (before receiptsRoot, epochCommitment and the accounting trees follow from them). */
  readonly claims?: (claims: FraudEpochClaim[]) => FraudEpochClaim[];
  /** Edits the finished input (pools, tickets, posted totals). */
  readonly input?: (input: FraudEpochInput) => FraudEpochInput;
};

/** An epoch as its bundle commits it, honest unless a hook changes it. */
export function fraudEpochInput(options: FraudEpochOptions = {}): FraudEpochInput {
  const epoch = options.epoch ?? 0n;
  const start = genesisMs + epoch * epochParams.epochSeconds * 1000n;
  const byRelay = new Map<string, FraudEpochReceipt[]>();
  for (let i = 0; i < 4; i++) {
    const relay = i % 2 === 0 ? addresses.relay : addresses.other;
    const change = options.receipt?.(i) ?? {};
    const ticket = makeTicket(change.ticket);
    const ticketSignature = signViewerTicket(ticket, domain, change.ticketSignerKey ?? keys.ticketSigner).signature;
    const receipt = makeReceipt(ticket, {
      segment: (options.segmentBase ?? 0n) + BigInt(i),
      chunk: 0,
      relay,
      deliveredAt: start + BigInt(i) * 1000n,
      ...change.receipt,
    });
    const signature = signChunkReceipt(receipt, domain, keys.viewer).signature;
    const r: FraudEpochReceipt = {
      node: {
        receiptId: getReceiptId(receipt, domain),
        ticketHash: receipt.ticketHash,
        segment: receipt.segment,
        chunk: receipt.chunk,
        size: receipt.size,
        deliveredAt: receipt.deliveredAt,
        signatureHash: hashSignature(signature),
      },
      receipt,
      signature,
      ticket,
      ticketSignature,
    };
    byRelay.set(relay, [...(byRelay.get(relay) ?? []), r]);
  }
  const previousCumulative = (relay: string) =>
    options.previous?.claims.find((c) => c.leaf.account.toLowerCase() === relay.toLowerCase())?.leaf.cumulativeAmount ??
    0n;
  const built = [...byRelay.entries()].map(([relay, rs]): FraudEpochClaim => {
    const receipts = rs.sort((a, b) => (a.node.receiptId < b.node.receiptId ? -1 : 1));
    const epochBytes = receipts.reduce((s, r) => s + BigInt(r.node.size), 0n);
    const baseAmount = (epochBytes * PRICE) / 1_000_000_000n;
    const prevCumulative = previousCumulative(relay);
    return {
      leaf: { account: relay as Hex, poolId, cumulativeAmount: prevCumulative + baseAmount, epochCommitment: "0x" },
      commitment: {
        epochBytes,
        baseAmount,
        epochAmount: baseAmount,
        bonusAmount: 0n,
        receiptsRoot: "0x",
        receiptCount: BigInt(receipts.length),
        prevCumulative,
      },
      receipts,
    };
  });
  const claims = (options.claims ?? ((c) => c))(built);
  // receiptsRoot (unless set by the hook) and epochCommitment follow from the receipts and the preimage.
  const done = claims.map((c) => {
    const root = buildFraudEpoch({
      epoch,
      aggregator: addresses.other,
      bundleHash: ZERO,
      posted: [],
      claims: [
        { ...c, leaf: { ...c.leaf, epochCommitment: ZERO }, commitment: { ...c.commitment, receiptsRoot: ZERO } },
      ],
      pools: [],
      tickets: [],
    }).relayTrees[0]!.rootHash;
    const commitment = {
      ...c.commitment,
      receiptsRoot: c.commitment.receiptsRoot === "0x" ? root : c.commitment.receiptsRoot,
    };
    return { ...c, commitment, leaf: { ...c.leaf, epochCommitment: hashEpochCommitment(commitment) } };
  });
  const accounts = [...done]
    .sort((a, b) => (a.leaf.account.toLowerCase() < b.leaf.account.toLowerCase() ? -1 : 1))
    .map((c) => ({
      account: c.leaf.account,
      cumulativeAmount: c.leaf.cumulativeAmount,
      epochCommitment: c.leaf.epochCommitment,
      value: (c.commitment.baseAmount << 128n) | (c.commitment.epochAmount + c.commitment.bonusAmount),
    }));
  const total = done.reduce((s, c) => s + c.commitment.epochAmount, 0n);
  const uncappedTotal = done.reduce((s, c) => s + c.commitment.baseAmount, 0n);
  const byTicket = new Map<string, { first: FraudEpochReceipt; receipts: FraudEpoch["tickets"][number]["receipts"] }>();
  for (const c of done)
    for (const r of c.receipts) {
      const t = byTicket.get(r.node.ticketHash) ?? { first: r, receipts: [] };
      byTicket.set(r.node.ticketHash, {
        first: t.first,
        receipts: [
          ...t.receipts,
          {
            segment: r.node.segment,
            chunk: r.node.chunk,
            relay: c.leaf.account,
            receiptId: r.node.receiptId,
            size: r.node.size,
          },
        ],
      });
    }
  const tickets = [...byTicket.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([ticketHash, { first, receipts }]) => {
      const sorted = [...receipts].sort((a, b) =>
        a.segment === b.segment ? a.chunk - b.chunk : a.segment < b.segment ? -1 : 1,
      );
      const before = options.previous?.tickets.find((t) => t.ticketHash === ticketHash);
      return {
        ticketHash: ticketHash as Hex,
        ticketSignatureHash: hashSignature(first.ticketSignature),
        bytesBefore: before ? before.bytesBefore + before.bytesIn : 0n,
        bytesIn: sorted.reduce((s, r) => s + BigInt(r.size), 0n),
        count: BigInt(sorted.length),
        prevEpoch: before ? options.previous!.epoch : epoch,
        receipts: sorted,
      };
    });
  const input: FraudEpochInput = {
    epoch,
    aggregator: addresses.other,
    bundleHash: `0x${"ee".repeat(32)}`,
    posted: [{ poolId, total, uncappedTotal, scaleBalance: SCALE_BALANCE }],
    claims: done,
    pools: [
      { poolId, total, uncappedTotal, scaleBalance: SCALE_BALANCE, leafCount: BigInt(accounts.length), accounts },
    ],
    tickets,
  };
  return (options.input ?? ((x) => x))(input);
}

/** buildFraudEpoch of fraudEpochInput. */
export function fraudEpoch(options: FraudEpochOptions = {}): FraudEpoch {
  return buildFraudEpoch(fraudEpochInput(options));
}
