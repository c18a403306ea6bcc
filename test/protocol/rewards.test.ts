import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ZERO_HASH } from "../../src/protocol/constants.ts";
import { ProtocolError } from "../../src/protocol/errors/ProtocolError.ts";
import { computeEpochRewards } from "../../src/protocol/rewards/computeEpochRewards.ts";
import { getRewardAmount } from "../../src/protocol/rewards/getRewardAmount.ts";
import { scalePoolAmounts } from "../../src/protocol/rewards/scalePoolAmounts.ts";
import { getReceiptsRoot } from "../../src/protocol/tree/getReceiptsRoot.ts";
import type { Hex } from "../../src/protocol/types.ts";
import { rng, toHexStr } from "./fixtures.ts";

const P1: Hex = `0x${"01".repeat(32)}`;
const P2: Hex = `0x${"02".repeat(32)}`;
const A: Hex = `0x${"aa".repeat(20)}`;
const B: Hex = `0x${"bb".repeat(20)}`;
const C: Hex = `0x${"cc".repeat(20)}`;
const ids = (n: number, seed: number) => Array.from({ length: n }, () => toHexStr(rng(seed++)(32)));

describe("getRewardAmount and scalePoolAmounts", () => {
  it("floor(bytes · pricePerGB / 1e9)", () => {
    assert.equal(getRewardAmount(1_000_000_000n, 5n), 5n);
    assert.equal(getRewardAmount(999_999_999n, 1n), 0n);
    assert.equal(getRewardAmount(1_500_000_000n, 3n), 4n);
    assert.equal(getRewardAmount((1n << 64n) - 1n, 10n ** 30n), (((1n << 64n) - 1n) * 10n ** 30n) / 10n ** 9n);
  });
  it("refuses negative inputs", () => {
    assert.throws(
      () => getRewardAmount(-1n, 1n),
      (e: unknown) => e instanceof ProtocolError && e.field === "bytes",
    );
    assert.throws(
      () => getRewardAmount(1n, -1n),
      (e: unknown) => e instanceof ProtocolError && e.field === "pricePerGB",
    );
    assert.throws(
      () => scalePoolAmounts([1n], -1n),
      (e: unknown) => e instanceof ProtocolError && e.field === "balance",
    );
  });
  it("leaves amounts alone when the balance covers them", () => {
    assert.deepEqual(scalePoolAmounts([3n, 4n], 7n), [3n, 4n]);
  });
  it("scales each amount by balance/total rounding down, never overdrawing", () => {
    assert.deepEqual(scalePoolAmounts([3n, 4n], 5n), [2n, 2n]);
    const r = rng(9);
    for (let i = 0; i < 200; i++) {
      const raw = Array.from({ length: 1 + (r(1)[0]! % 9) }, () => BigInt(toHexStr(r(9))));
      const balance = BigInt(toHexStr(r(8)));
      const out = scalePoolAmounts(raw, balance);
      const sum = out.reduce((a, b) => a + b, 0n);
      const total = raw.reduce((a, b) => a + b, 0n);
      assert.ok(sum <= balance || total <= balance);
      if (total > balance) out.forEach((o, j) => assert.equal(o, (raw[j]! * balance) / total));
    }
  });
});

describe("computeEpochRewards", () => {
  const pools = [
    { poolId: P1, pricePerGB: 1_000_000_000n, balance: 10n ** 30n },
    { poolId: P2, pricePerGB: 2_000_000_000n, balance: 1000n },
  ];
  it("prices bytes per (relay, pool), merges duplicate credits and sets receiptsRoot", () => {
    const i1 = ids(2, 1);
    const i2 = ids(1, 10);
    const { leaves, poolTotals } = computeEpochRewards({
      pools,
      credits: [
        { account: A, poolId: P1, bytes: 100n, receiptIds: [i1[0]!] },
        { account: A, poolId: P1, bytes: 50n, receiptIds: [i1[1]!] },
        { account: B, poolId: P1, bytes: 7n, receiptIds: i2 },
      ],
    });
    assert.deepEqual(leaves, [
      {
        account: A,
        poolId: P1,
        cumulativeAmount: 150n,
        epochBytes: 150n,
        epochAmount: 150n,
        receiptsRoot: getReceiptsRoot(i1),
      },
      {
        account: B,
        poolId: P1,
        cumulativeAmount: 7n,
        epochBytes: 7n,
        epochAmount: 7n,
        receiptsRoot: getReceiptsRoot(i2),
      },
    ]);
    assert.deepEqual(poolTotals, [{ poolId: P1, bytes: 157n, rawAmount: 157n, amount: 157n, scaled: false }]);
  });
  it("scales an underfunded pool so its total never exceeds the balance", () => {
    const { leaves, poolTotals } = computeEpochRewards({
      pools,
      credits: [
        { account: A, poolId: P2, bytes: 300n, receiptIds: ids(1, 20) },
        { account: B, poolId: P2, bytes: 400n, receiptIds: ids(1, 21) },
      ],
    });
    // raw 600 and 800, total 1400 > 1000: floor(600·1000/1400)=428, floor(800·1000/1400)=571
    assert.deepEqual(
      leaves.map((l) => l.epochAmount),
      [428n, 571n],
    );
    assert.deepEqual(poolTotals, [{ poolId: P2, bytes: 700n, rawAmount: 1400n, amount: 999n, scaled: true }]);
  });
  it("adds to previous cumulative amounts and keeps every earlier account with a zero leaf", () => {
    const previous = [
      {
        account: A,
        poolId: P1,
        cumulativeAmount: 1000n,
        epochBytes: 3n,
        epochAmount: 3n,
        receiptsRoot: ids(1, 30)[0]!,
      },
      { account: C, poolId: P2, cumulativeAmount: 77n, epochBytes: 1n, epochAmount: 1n, receiptsRoot: ids(1, 31)[0]! },
    ];
    const { leaves } = computeEpochRewards({
      pools,
      previous,
      credits: [{ account: A, poolId: P1, bytes: 5n, receiptIds: ids(1, 32) }],
    });
    assert.deepEqual(
      leaves.map((l) => [
        l.account,
        l.poolId,
        l.cumulativeAmount,
        l.epochBytes,
        l.epochAmount,
        l.receiptsRoot === ZERO_HASH,
      ]),
      [
        [A, P1, 1005n, 5n, 5n, false],
        [C, P2, 77n, 0n, 0n, true],
      ],
    );
  });
  it("sorts leaves by (poolId, account) and lowercases them", () => {
    const upper = `0x${"AB".repeat(20)}` as Hex;
    const { leaves } = computeEpochRewards({
      pools,
      credits: [
        { account: B, poolId: P2, bytes: 1n, receiptIds: [] },
        { account: upper, poolId: P1, bytes: 1n, receiptIds: [] },
        { account: A, poolId: P1, bytes: 1n, receiptIds: [] },
      ],
    });
    assert.deepEqual(
      leaves.map((l) => [l.poolId, l.account]),
      [
        [P1, A],
        [P1, upper.toLowerCase()],
        [P2, B],
      ],
    );
  });
  it("ignores empty credits from new accounts", () => {
    assert.deepEqual(
      computeEpochRewards({ pools, credits: [{ account: A, poolId: P1, bytes: 0n, receiptIds: [] }] }).leaves,
      [],
    );
  });
  it("throws POOL_UNKNOWN for a credit in a pool it was not given", () => {
    assert.throws(
      () =>
        computeEpochRewards({
          pools,
          credits: [{ account: A, poolId: `0x${"09".repeat(32)}`, bytes: 1n, receiptIds: [] }],
        }),
      (e: unknown) => e instanceof ProtocolError && e.code === "POOL_UNKNOWN" && e.field === "credits[0].poolId",
    );
  });
  it("throws INVALID_ARGUMENT for negative bytes or a repeated previous leaf", () => {
    assert.throws(
      () => computeEpochRewards({ pools, credits: [{ account: A, poolId: P1, bytes: -1n, receiptIds: [] }] }),
      (e: unknown) => e instanceof ProtocolError && e.code === "INVALID_ARGUMENT",
    );
    const leaf = {
      account: A,
      poolId: P1,
      cumulativeAmount: 1n,
      epochBytes: 0n,
      epochAmount: 0n,
      receiptsRoot: ZERO_HASH,
    };
    assert.throws(
      () =>
        computeEpochRewards({
          pools,
          credits: [],
          previous: [leaf, { ...leaf, account: A.toUpperCase().replace("0X", "0x") as Hex }],
        }),
      (e: unknown) => e instanceof ProtocolError && e.code === "INVALID_ARGUMENT" && e.field === "previous[1]",
    );
  });
});
