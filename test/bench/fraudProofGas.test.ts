import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { privateKeyToAccount } from "viem/accounts";
import { buildFraudBenchEpochs } from "../../scripts/bench/fraud/buildFraudBenchEpochs.ts";
import { measureFraudProofGas } from "../../scripts/bench/fraudProofGas.ts";
import { findProvableFaults } from "../../src/protocol/fraud/findProvableFaults.ts";
import { fraudProofKinds, type ProvableFault } from "../../src/protocol/fraud/types.ts";
import { createFastKeccak256 } from "../../src/protocol/hash/createFastKeccak256.ts";
import { domain, keys } from "../protocol/fixtures.ts";

const PRICE = 10_000n;

describe("buildFraudBenchEpochs", () => {
  it("plants one fault of each kind where the library's own detector finds it", async () => {
    const genesisTime = 1_767_225_600n;
    const { previous, current, at } = buildFraudBenchEpochs({
      claimDepth: 5,
      receiptDepth: 3,
      ticketsDepth: 4,
      postedPools: 3,
      domain,
      genesisTime,
      epochSeconds: 3_600n,
      epoch: 4n,
      price: PRICE,
      keys: { viewer: keys.viewer, ticketSigner: keys.ticketSigner, stranger: keys.other },
      keccak: await createFastKeccak256(),
    });
    assert.equal(current.claims.length, 32);
    assert.equal(previous.claims.length, 32);
    assert.equal(current.tickets.length, 16);
    assert.equal(current.posted.length, 3);
    for (const i of [0, 1, 2, 3, 5]) assert.equal(current.relayTrees[i]!.length, 8, `claim ${i}`);
    const faults = findProvableFaults(current, {
      domain,
      epochParams: { genesisTime, epochSeconds: 3_600n, graceSeconds: 300n },
      priceAt: () => PRICE,
      ticketSignerAt: () => privateKeyToAccount(keys.ticketSigner).address,
      earlier: [previous],
    });
    const receiptIdOf = (claim: number, receipt: number) => current.claims[claim]!.receipts[receipt]!.node.receiptId;
    const found = (kind: ProvableFault["kind"], match: (f: ProvableFault) => boolean) =>
      assert.ok(
        faults.some((f) => f.kind === kind && match(f)),
        `${kind} not found: ${faults.map((f) => f.kind).join()}`,
      );
    const credits = (f: ProvableFault, claim: number, receipt: number) =>
      "credited" in f.proof && f.proof.credited?.node.receiptId === receiptIdOf(claim, receipt);
    found("badSignature", (f) => credits(f, at.badSignature.claim, at.badSignature.receipt));
    found("badTicket", (f) => credits(f, at.badTicket.claim, at.badTicket.receipt));
    found(
      "duplicate",
      (f) =>
        f.kind === "duplicate" &&
        f.proof.first?.node.receiptId === receiptIdOf(at.duplicate.claim, at.duplicate.receipt) &&
        f.proof.otherEpoch === previous.epoch,
    );
    found("relayTotal", (f) => f.kind === "relayTotal" && f.proof.claim.leaf === current.claims[at.relayTotal]!.leaf);
    found("amount", (f) => f.kind === "amount" && f.proof.claim.leaf === current.claims[at.amount]!.leaf);
    found(
      "cumulative",
      (f) =>
        f.kind === "cumulative" &&
        f.proof.mode === 2 &&
        f.proof.previous?.leaf === previous.claims[at.droppedClaim]!.leaf,
    );
    found(
      "poolTotal",
      (f) => f.kind === "poolTotal" && f.proof.mode === 3 && f.proof.postedIndex === BigInt(at.postedWithoutPool),
    );
    found(
      "maxBytes",
      (f) => f.kind === "maxBytes" && f.proof.mode === 7 && credits(f, at.notInTicket.claim, at.notInTicket.receipt),
    );
    // The honest counterpart is signed by the viewer: no badSignature fault names it.
    assert.ok(
      !faults.some((f) => f.kind === "badSignature" && credits(f, at.goodSignature.claim, at.goodSignature.receipt)),
    );
  });
});

describe("measureFraudProofGas", () => {
  it("proves every fault kind on chain at a small size, each proof costing more as its trees deepen", async () => {
    const sizes = { receiptDepth: 2, postedPools: 3, log: () => {} };
    const small = await measureFraudProofGas({ ...sizes, claimDepth: 4, ticketsDepth: 2 });
    const deeper = await measureFraudProofGas({ ...sizes, claimDepth: 6, receiptDepth: 4, ticketsDepth: 4 });
    assert.deepEqual(
      small.rows.map((r) => [r.kind, r.mode]),
      fraudProofKinds.map((k) => [k, k === "cumulative" ? 2 : k === "poolTotal" ? 3 : k === "maxBytes" ? 7 : 0]),
    );
    assert.equal(small.honestRefusal, "FraudProofInvalid(0, 0)");
    for (const [i, row] of small.rows.entries()) {
      const d = deeper.rows[i]!;
      // poolTotal mode 3 opens no claim, receipts or tickets tree (only the pools tree, 2 leaves in both runs).
      if (row.kind !== "poolTotal")
        assert.ok(d.proofBytes > row.proofBytes && d.gas > row.gas, `${row.kind}: ${row.gas} then ${d.gas}`);
      assert.ok(row.gas > 21_000n + BigInt(row.proofBytes) * 4n, `${row.kind}: ${row.gas}`);
      // A transaction pays its execution on top of intrinsic gas and calldata, and never less than the EIP-7623 floor.
      assert.ok(row.gas > 21_000n + row.calldataGas && row.gas >= row.floorGas, `${row.kind}: ${row.gas}`);
    }
  });
});
