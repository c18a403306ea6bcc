import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hashClaimLeaf } from "../../../src/protocol/commitments/hashClaimLeaf.ts";
import { hashEpochCommitment } from "../../../src/protocol/commitments/hashEpochCommitment.ts";
import { hashReceiptNode } from "../../../src/protocol/commitments/hashReceiptNode.ts";
import { hashSignature } from "../../../src/protocol/commitments/hashSignature.ts";
import { getReceiptId } from "../../../src/protocol/eip712/getReceiptId.ts";
import { buildFraudEpoch } from "../../../src/protocol/fraud/buildFraudEpoch.ts";
import { findProvableFaults } from "../../../src/protocol/fraud/findProvableFaults.ts";
import type {
  CumulativeProof,
  FraudEpochClaim,
  FraudEpochInput,
  FraudEpochReceipt,
  MaxBytesProof,
} from "../../../src/protocol/fraud/types.ts";
import { verifyPositionSumProof } from "../../../src/protocol/sumtree/verifyPositionSumProof.ts";
import { verifyMerkleProof } from "../../../src/protocol/tree/verifyMerkleProof.ts";
import type { Hex } from "../../../src/protocol/types.ts";
import { addresses, domain, epochParams, genesisMs, makeSignedPair, poolId } from "../fixtures.ts";

const PRICE = 1_000_000n;
const facts = {
  domain,
  epochParams,
  priceAt: () => PRICE,
  ticketSignerAt: () => addresses.ticketSigner,
  earlier: [],
};

/** An honest epoch 0: 4 receipts of one ticket, two relays, one pool. `tamper` edits the claims before hashing. */
function epochInput(tamper: (claims: FraudEpochClaim[]) => FraudEpochClaim[] = (c) => c): FraudEpochInput {
  const byRelay = new Map<string, FraudEpochReceipt[]>();
  let ticketSignature: Hex = "0x";
  for (let i = 0; i < 4; i++) {
    const relay = i % 2 === 0 ? addresses.relay : addresses.other;
    const pair = makeSignedPair(
      {},
      { segment: BigInt(i), chunk: 0, relay, deliveredAt: genesisMs + BigInt(i) * 1000n },
    );
    ticketSignature = pair.ticket.signature;
    const receipt = pair.receipt.receipt;
    const r: FraudEpochReceipt = {
      node: {
        receiptId: getReceiptId(receipt, domain),
        ticketHash: receipt.ticketHash,
        segment: receipt.segment,
        chunk: receipt.chunk,
        size: receipt.size,
        deliveredAt: receipt.deliveredAt,
        signatureHash: hashSignature(pair.receipt.signature),
      },
      receipt,
      signature: pair.receipt.signature,
      ticket: pair.ticket.ticket,
      ticketSignature,
    };
    byRelay.set(relay, [...(byRelay.get(relay) ?? []), r]);
  }
  const claims = tamper(
    [...byRelay.entries()].map(([relay, rs]) => {
      const receipts = rs.sort((a, b) => (a.node.receiptId < b.node.receiptId ? -1 : 1));
      const epochBytes = receipts.reduce((s, r) => s + BigInt(r.node.size), 0n);
      const baseAmount = (epochBytes * PRICE) / 1_000_000_000n;
      const commitment = {
        epochBytes,
        baseAmount,
        epochAmount: baseAmount,
        bonusAmount: 0n,
        receiptsRoot: "0x" as Hex,
        receiptCount: BigInt(receipts.length),
        prevCumulative: 0n,
      };
      return {
        leaf: { account: relay as Hex, poolId, cumulativeAmount: baseAmount, epochCommitment: "0x" },
        commitment,
        receipts,
      };
    }),
  );
  // receiptsRoot and epochCommitment follow from the (possibly tampered) receipts and preimage.
  const done = claims.map((c) => {
    const root = buildFraudEpoch({
      epoch: 0n,
      aggregator: addresses.other,
      bundleHash: `0x${"00".repeat(32)}`,
      posted: [],
      claims: [
        {
          ...c,
          leaf: { ...c.leaf, epochCommitment: `0x${"00".repeat(32)}` },
          commitment: { ...c.commitment, receiptsRoot: `0x${"00".repeat(32)}` },
        },
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
  const scaleBalance = 10n ** 20n;
  const ticket = done[0]!.receipts[0]!;
  const ticketReceipts = done
    .flatMap((c) =>
      c.receipts.map((r) => ({
        segment: r.node.segment,
        chunk: r.node.chunk,
        relay: c.leaf.account,
        receiptId: r.node.receiptId,
        size: r.node.size,
      })),
    )
    .sort((a, b) => Number(a.segment - b.segment));
  return {
    epoch: 0n,
    aggregator: addresses.other,
    bundleHash: `0x${"ee".repeat(32)}`,
    posted: [{ poolId, total, uncappedTotal, scaleBalance }],
    claims: done,
    pools: [{ poolId, total, uncappedTotal, scaleBalance, leafCount: BigInt(accounts.length), accounts }],
    tickets: [
      {
        ticketHash: ticket.node.ticketHash,
        ticketSignatureHash: hashSignature(ticket.ticketSignature),
        bytesBefore: 0n,
        bytesIn: ticketReceipts.reduce((s, r) => s + BigInt(r.size), 0n),
        count: BigInt(ticketReceipts.length),
        prevEpoch: 0n,
        receipts: ticketReceipts,
      },
    ],
  };
}

describe("findProvableFaults", () => {
  it("finds nothing in an honest epoch", () => {
    assert.deepEqual(findProvableFaults(buildFraudEpoch(epochInput()), facts), []);
  });

  it("a leaf claiming more bytes than its receipts is a relayTotal fault whose paths verify", () => {
    const epoch = buildFraudEpoch(
      epochInput((claims) =>
        claims.map((c, i) =>
          i === 0 ? { ...c, commitment: { ...c.commitment, epochBytes: c.commitment.epochBytes + 1n } } : c,
        ),
      ),
    );
    const faults = findProvableFaults(epoch, facts);
    const f = faults.find((x) => x.kind === "relayTotal");
    assert.ok(f && f.kind === "relayTotal", JSON.stringify(faults.map((x) => x.kind)));
    const { claim, node, path } = f.proof;
    assert.ok(verifyMerkleProof(epoch.claimTree!.root, hashClaimLeaf(claim.leaf), claim.proof));
    assert.equal(hashEpochCommitment(claim.commitment), claim.leaf.epochCommitment);
    const folded = verifyPositionSumProof({
      index: Number(path!.index),
      leafHash: hashReceiptNode(node!),
      value: path!.value,
      siblings: path!.siblings,
    });
    assert.equal(folded.rootHash, claim.commitment.receiptsRoot);
    assert.notEqual(folded.rootSum, claim.commitment.epochBytes);
  });

  it("a receipt whose signature is another's is a badSignature fault", () => {
    const epoch = buildFraudEpoch(
      epochInput((claims) =>
        claims.map((c, i) => {
          if (i !== 0) return c;
          const [a, b] = c.receipts;
          // a's signature is b's: the node commits to the signature credited, which does not recover to the viewer.
          const bad = {
            ...a!,
            signature: b!.signature,
            node: { ...a!.node, signatureHash: hashSignature(b!.signature) },
          };
          return { ...c, receipts: [bad, b!] };
        }),
      ),
    );
    const kinds = findProvableFaults(epoch, facts).map((f) => f.kind);
    assert.ok(kinds.includes("badSignature"), kinds.join());
  });

  it("a cumulative amount above prevCumulative + epochAmount is a cumulative fault", () => {
    const epoch = buildFraudEpoch(
      epochInput((claims) =>
        claims.map((c, i) =>
          i === 1 ? { ...c, leaf: { ...c.leaf, cumulativeAmount: c.leaf.cumulativeAmount + 5n } } : c,
        ),
      ),
    );
    const kinds = findProvableFaults(epoch, facts).map((f) => f.kind);
    assert.deepEqual([...new Set(kinds)], ["cumulative"]);
  });

  it("a baseAmount above epochBytes · price is an amount fault", () => {
    const epoch = buildFraudEpoch(
      epochInput((claims) =>
        claims.map((c, i) =>
          i === 0
            ? {
                ...c,
                commitment: {
                  ...c.commitment,
                  baseAmount: c.commitment.baseAmount + 7n,
                  epochAmount: c.commitment.epochAmount + 7n,
                },
                leaf: { ...c.leaf, cumulativeAmount: c.leaf.cumulativeAmount + 7n },
              }
            : c,
        ),
      ),
    );
    const kinds = findProvableFaults(epoch, facts).map((f) => f.kind);
    assert.deepEqual([...new Set(kinds)], ["amount"]);
  });

  it("a ticket leaf with bytesBefore but no earlier epoch is a maxBytes fault", () => {
    const input = epochInput();
    const epoch = buildFraudEpoch({ ...input, tickets: input.tickets.map((t) => ({ ...t, bytesBefore: 1n })) });
    const faults = findProvableFaults(epoch, facts);
    assert.deepEqual(
      faults.map((f) => [f.kind, "mode" in f.proof ? f.proof.mode : undefined]),
      [["maxBytes", 1]],
    );
  });

  it("a posted total that differs from the pools tree is a poolTotal fault", () => {
    const input = epochInput();
    const epoch = buildFraudEpoch({ ...input, posted: input.posted.map((p) => ({ ...p, total: p.total + 1n })) });
    const faults = findProvableFaults(epoch, facts);
    assert.deepEqual(
      faults.map((f) => [f.kind, "mode" in f.proof ? f.proof.mode : undefined]),
      [["poolTotal", 2]],
    );
  });
});

describe("proof modes as the contract numbers them", () => {
  const modes = (faults: ReturnType<typeof findProvableFaults>) =>
    faults.map((f) => [f.kind, "mode" in f.proof ? f.proof.mode : undefined]);

  it("a credited receipt whose (segment, chunk) is not in its ticket's receipts tree is maxBytes mode 7", () => {
    const input = epochInput();
    const epoch = buildFraudEpoch({
      ...input,
      tickets: input.tickets.map((t) => {
        const receipts = t.receipts.filter((_, i) => i !== 1);
        const bytesIn = receipts.reduce((s, r) => s + BigInt(r.size), 0n);
        return { ...t, receipts, bytesIn, count: BigInt(receipts.length) };
      }),
    });
    const faults = findProvableFaults(epoch, facts);
    assert.deepEqual(modes(faults), [["maxBytes", 7]]);
    const proof = faults[0]!.proof as MaxBytesProof;
    assert.ok(proof.receiptAbsence?.hasLower && proof.receiptAbsence.hasUpper);
    assert.equal(proof.ticketAbsence, undefined);
  });

  it("a credited receipt whose key holds another relay in its ticket's receipts tree is maxBytes mode 8", () => {
    const input = epochInput();
    const epoch = buildFraudEpoch({
      ...input,
      tickets: input.tickets.map((t) => ({
        ...t,
        receipts: t.receipts.map((r, i) => (i === 0 ? { ...r, relay: addresses.viewer } : r)),
      })),
    });
    const faults = findProvableFaults(epoch, facts);
    assert.deepEqual(modes(faults), [["maxBytes", 8]]);
    assert.equal((faults[0]!.proof as MaxBytesProof).receipt?.relay, addresses.viewer);
  });

  it("a receipt whose ticket has no tickets-tree leaf is maxBytes mode 6", () => {
    const epoch = buildFraudEpoch({ ...epochInput(), tickets: [] });
    assert.deepEqual([...new Set(modes(findProvableFaults(epoch, facts)).map(String))], ["maxBytes,6"]);
  });

  it("a claim leaf whose accounts-tree leaf carries another cumulativeAmount is cumulative mode 5", () => {
    const input = epochInput();
    const epoch = buildFraudEpoch({
      ...input,
      pools: input.pools.map((p) => ({
        ...p,
        accounts: p.accounts.map((a, i) => (i === 0 ? { ...a, cumulativeAmount: a.cumulativeAmount + 1n } : a)),
      })),
    });
    const faults = findProvableFaults(epoch, facts);
    assert.deepEqual(modes(faults), [["cumulative", 5]]);
    const proof = faults[0]!.proof as CumulativeProof;
    assert.equal(proof.poolAccount?.cumulativeAmount, input.pools[0]!.accounts[0]!.cumulativeAmount + 1n);
  });

  it("a claim leaf missing from its pool's accounts tree is cumulative mode 4", () => {
    const input = epochInput();
    const epoch = buildFraudEpoch({
      ...input,
      pools: input.pools.map((p) => ({ ...p, accounts: p.accounts.slice(1), leafCount: p.leafCount - 1n })),
    });
    const kinds = modes(findProvableFaults(epoch, facts)).filter(([k]) => k === "cumulative");
    assert.deepEqual(kinds, [["cumulative", 4]]);
  });
});

describe("buildFraudEpoch", () => {
  it("gives every claim and ticket without receipts the one empty tree (the empty node, 0 leaves)", () => {
    const input = epochInput();
    const epoch = buildFraudEpoch({
      ...input,
      claims: input.claims.map((c) => ({ ...c, receipts: [] })),
      tickets: [...input.tickets, ...input.tickets].map((t) => ({ ...t, receipts: [] })),
    });
    const [a, b] = epoch.relayTrees;
    assert.equal(a, b);
    assert.deepEqual([a!.rootHash, a!.rootSum, a!.length], [`0x${"00".repeat(32)}`, 0n, 0]);
    assert.equal(epoch.ticketReceiptsTrees[0], epoch.ticketReceiptsTrees[1]);
    assert.deepEqual(
      [epoch.ticketReceiptsTrees[0]!.rootHash, epoch.ticketReceiptsTrees[0]!.length],
      [`0x${"00".repeat(32)}`, 0],
    );
  });
});

describe("encodeFraudProof", () => {
  it("encodes a relayTotal proof as IFraudProver's RelayTotalProof struct and decodes back to its fields", async () => {
    const { decodeAbiParameters } = await import("viem");
    const { encodeFraudProof } = await import("../../../src/protocol/fraud/encodeFraudProof.ts");
    const { fraudProofAbi } = await import("../../../src/protocol/fraud/fraudProofAbi.ts");
    const epoch = buildFraudEpoch(
      epochInput((claims) =>
        claims.map((c, i) => (i === 0 ? { ...c, commitment: { ...c.commitment, receiptCount: 9n } } : c)),
      ),
    );
    const fault = findProvableFaults(epoch, facts).find((f) => f.kind === "relayTotal");
    assert.ok(fault && fault.kind === "relayTotal");
    const bytes = encodeFraudProof("relayTotal", fault.proof);
    // biome-ignore lint/suspicious/noExplicitAny: the decoded struct.
    const [decoded] = decodeAbiParameters([fraudProofAbi.relayTotal] as never, bytes) as any;
    assert.equal(decoded.mode, 0);
    assert.equal(decoded.claim.leaf.account.toLowerCase(), fault.proof.claim.leaf.account.toLowerCase());
    assert.equal(decoded.claim.commitment.receiptCount, 9n);
    assert.equal(decoded.node.receiptId, fault.proof.node!.receiptId);
    assert.equal(decoded.opening.level, 0n);
  });
});
