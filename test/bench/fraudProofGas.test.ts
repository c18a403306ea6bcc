import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { measureFraudProofGas } from "../../scripts/bench/fraudProofGas.ts";
import { fraudProofKinds } from "../../src/protocol/fraud/types.ts";

describe("measureFraudProofGas", () => {
  it("proves every fault kind on chain at a small size", async () => {
    const small = await measureFraudProofGas({
      claimDepth: 6,
      receiptDepth: 3,
      ticketsDepth: 4,
      postedPools: 4,
      log: () => {},
    });
    console.log(small.rows.map((r) => `${r.kind} ${r.mode} ${r.gas} ${r.proofBytes}`).join("\n"));
    assert.deepEqual(
      small.rows.map((r) => r.kind),
      [...fraudProofKinds],
    );
  });
});
