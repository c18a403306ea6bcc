import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertEpochParams } from "../../src/protocol/epoch/assertEpochParams.ts";
import { getEpoch } from "../../src/protocol/epoch/getEpoch.ts";
import { getEpochClosesAt } from "../../src/protocol/epoch/getEpochClosesAt.ts";
import { getEpochEnd } from "../../src/protocol/epoch/getEpochEnd.ts";
import { getEpochStart } from "../../src/protocol/epoch/getEpochStart.ts";
import { isEpochOpen } from "../../src/protocol/epoch/isEpochOpen.ts";
import { ProtocolError } from "../../src/protocol/errors/ProtocolError.ts";
import { epochParams, genesisMs } from "./fixtures.ts";

const invalid = (field: string) => (e: unknown) =>
  e instanceof ProtocolError && e.code === "INVALID_ARGUMENT" && e.field === field;

describe("epoch arithmetic", () => {
  it("getEpoch floors (deliveredAt/1000 − genesis) / epochSeconds exactly at the boundaries", () => {
    assert.equal(getEpoch(epochParams, genesisMs), 0n);
    assert.equal(getEpoch(epochParams, genesisMs + 3_599_999n), 0n);
    assert.equal(getEpoch(epochParams, genesisMs + 3_600_000n), 1n);
    assert.equal(getEpoch(epochParams, genesisMs + 3_600_000n * 1_000_000n + 5n), 1_000_000n);
  });
  it("getEpoch is exact for huge uint64 times", () => {
    const max = (1n << 64n) - 1n;
    assert.equal(getEpoch({ ...epochParams, genesisTime: 0n, epochSeconds: 1n }, max), max / 1000n);
  });
  it("getEpoch agrees with the real-number formula on fractional milliseconds", () => {
    for (let ms = 0n; ms < 20_000n; ms += 997n) {
      const p = { genesisTime: 7n, epochSeconds: 3n, graceSeconds: 0n };
      const t = 7000n + ms;
      assert.equal(getEpoch(p, t), BigInt(Math.floor((Number(t) / 1000 - 7) / 3)));
    }
  });
  it("getEpoch refuses times before genesis", () => {
    assert.throws(() => getEpoch(epochParams, genesisMs - 1n), invalid("deliveredAt"));
  });
  it("start, end (exclusive) and closesAt are in seconds", () => {
    assert.equal(getEpochStart(epochParams, 2n), epochParams.genesisTime + 7200n);
    assert.equal(getEpochEnd(epochParams, 2n), epochParams.genesisTime + 10_800n);
    assert.equal(getEpochClosesAt(epochParams, 2n), epochParams.genesisTime + 10_800n + 900n);
    assert.throws(() => getEpochStart(epochParams, -1n), invalid("epoch"));
  });
  it("isEpochOpen until closesAt (exclusive), in milliseconds", () => {
    const closesMs = getEpochClosesAt(epochParams, 0n) * 1000n;
    assert.equal(isEpochOpen(epochParams, 0n, closesMs - 1n), true);
    assert.equal(isEpochOpen(epochParams, 0n, closesMs), false);
    assert.equal(isEpochOpen(epochParams, 5n, genesisMs), true);
  });
  it("assertEpochParams refuses zero epochSeconds, negative genesis or grace, and numbers", () => {
    assert.throws(() => assertEpochParams({ ...epochParams, epochSeconds: 0n }), invalid("epochSeconds"));
    assert.throws(() => assertEpochParams({ ...epochParams, genesisTime: -1n }), invalid("genesisTime"));
    assert.throws(() => assertEpochParams({ ...epochParams, graceSeconds: -1n }), invalid("graceSeconds"));
    assert.throws(
      () => assertEpochParams({ ...epochParams, epochSeconds: 60 as unknown as bigint }),
      invalid("epochSeconds"),
    );
  });
});
