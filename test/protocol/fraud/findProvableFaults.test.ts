import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hashClaimLeaf } from "../../../src/protocol/commitments/hashClaimLeaf.ts";
import { hashEpochCommitment } from "../../../src/protocol/commitments/hashEpochCommitment.ts";
import { hashReceiptNode } from "../../../src/protocol/commitments/hashReceiptNode.ts";
import { hashSignature } from "../../../src/protocol/commitments/hashSignature.ts";
import { buildFraudEpoch } from "../../../src/protocol/fraud/buildFraudEpoch.ts";
import { findProvableFaults } from "../../../src/protocol/fraud/findProvableFaults.ts";
import type { FraudEpochClaim, FraudEpochInput } from "../../../src/protocol/fraud/types.ts";
import { verifyPositionSumProof } from "../../../src/protocol/sumtree/verifyPositionSumProof.ts";
import { verifyMerkleProof } from "../../../src/protocol/tree/verifyMerkleProof.ts";
import { fraudEpochInput, fraudFacts } from "./fraudEpochFixture.ts";
import { fraudScenarios, kindsAndModes } from "./fraudScenarios.ts";

const facts = fraudFacts();

/** An honest epoch 0: 4 receipts of one ticket, two relays, one pool. `tamper` edits the claims before hashing. */
function epochInput(tamper?: (claims: FraudEpochClaim[]) => FraudEpochClaim[]): FraudEpochInput {
  return fraudEpochInput(tamper ? { claims: tamper } : {});
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

describe("findProvableFaults on the shared scenarios (badTicket causes, duplicates, cross-epoch modes)", () => {
  for (const scenario of fraudScenarios)
    it(scenario.name, () => {
      const { judged, earlier } = scenario.build();
      const faults = findProvableFaults(judged, fraudFacts(earlier));
      assert.deepEqual(kindsAndModes(faults), scenario.expected, faults.map((f) => f.message).join("\n"));
      for (const f of faults) assert.equal(f.epoch, judged.epoch);
    });

  it("a duplicate across epochs names the earlier epoch and the same key", () => {
    const scenario = fraudScenarios.find((s) => s.name.startsWith("duplicate: epoch 1"))!;
    const { judged, earlier } = scenario.build();
    for (const f of findProvableFaults(judged, fraudFacts(earlier))) {
      assert.ok(f.kind === "duplicate" && f.proof.mode === 0);
      assert.equal(f.proof.otherEpoch, 0n);
      assert.equal(f.proof.first!.node.ticketHash, f.proof.second!.node.ticketHash);
      assert.equal(f.proof.first!.node.segment, f.proof.second!.node.segment);
      assert.notEqual(f.proof.first!.node.receiptId, f.proof.second!.node.receiptId);
    }
  });

  it("the earlier epochs are what makes the cross-epoch faults: without them none is found", () => {
    for (const scenario of fraudScenarios.filter((s) => s.build().earlier.length > 0)) {
      const { judged } = scenario.build();
      const kinds = kindsAndModes(findProvableFaults(judged, fraudFacts([])));
      const crossEpoch = kinds.filter(
        ([k, m]) =>
          (k === "cumulative" && (m === 0 || m === 2 || m === 3)) ||
          (k === "maxBytes" && m !== undefined && m <= 3 && m > 0) ||
          (k === "duplicate" && m === 0),
      );
      assert.deepEqual(crossEpoch, [], scenario.name);
    }
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
