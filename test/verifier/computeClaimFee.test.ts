import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computeClaimFee } from "../../src/verifier/claims/computeClaimFee.ts";

describe("computeClaimFee", () => {
  it("converts the gas share to token units, rounding up, capped by maxFee and by the amount", () => {
    // 100,000 gas at 2 gwei = 2e14 wei; at 3,000 tokens (6 decimals) per ETH that is 600,000 units.
    const base = { gasShare: 100_000n, gasPrice: 2_000_000_000n, tokenPerEth: 3_000_000_000n };
    assert.deepEqual(computeClaimFee({ ...base, maxFee: 10n ** 9n, amount: 10n ** 9n }), {
      fee: 600_000n,
      cost: 600_000n,
    });
    assert.equal(computeClaimFee({ ...base, maxFee: 500_000n, amount: 10n ** 9n }).fee, 500_000n);
    assert.equal(computeClaimFee({ ...base, maxFee: 10n ** 9n, amount: 400_000n }).fee, 400_000n);
    assert.equal(
      computeClaimFee({ gasShare: 1n, gasPrice: 1n, tokenPerEth: 1n, maxFee: 5n, amount: 5n }).fee,
      1n,
      "rounds up",
    );
    assert.equal(computeClaimFee({ ...base, tokenPerEth: 0n, maxFee: 5n, amount: 5n }).fee, 0n);
  });
});
