import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CliError } from "../../src/cli/errors/CliError.ts";
import { formatAmount } from "../../src/cli/format/formatAmount.ts";
import { formatDuration } from "../../src/cli/format/formatTime.ts";
import { parseAmount } from "../../src/cli/format/parseAmount.ts";
import { formatByteSize, parseByteSize } from "../../src/cli/format/parseByteSize.ts";
import { parseDuration } from "../../src/cli/format/parseDuration.ts";

const TUSD = { symbol: "TUSD", decimals: 6 };
const usage = (err: unknown) => err instanceof CliError && err.code === "USAGE" && err.exitCode === 2;

describe("amounts in token units", () => {
  it("parses what people type with the token's decimals", () => {
    assert.equal(parseAmount("12.5", TUSD), 12_500_000n);
    assert.equal(parseAmount("1,000", TUSD), 1_000_000_000n);
    assert.equal(parseAmount("0.000001", TUSD), 1n);
    assert.equal(parseAmount(".5", TUSD), 500_000n);
    assert.equal(parseAmount("7.", TUSD), 7_000_000n);
    assert.equal(parseAmount("3.1400000", TUSD), 3_140_000n); // trailing zeros beyond the decimals are harmless
    assert.equal(parseAmount("2", { symbol: "X", decimals: 0 }), 2n);
  });

  it("refuses more decimals than the token has, signs, exponents and words (usage error)", () => {
    for (const bad of ["1.0000001", "-1", "1e6", "", "ten", "1.2.3", "0x10"])
      assert.throws(() => parseAmount(bad, TUSD), usage, bad);
  });

  it("formats base units with separators and the symbol, without trailing zeros", () => {
    assert.equal(formatAmount(1_234_500_000n, TUSD), "1,234.5 TUSD");
    assert.equal(formatAmount(0n, TUSD), "0 TUSD");
    assert.equal(formatAmount(1n, TUSD), "0.000001 TUSD");
    assert.equal(formatAmount(10n ** 24n, { symbol: "ETH", decimals: 18 }), "1,000,000 ETH");
  });
});

describe("durations and byte sizes", () => {
  it("parses and formats durations", () => {
    assert.equal(parseDuration("90"), 90n);
    assert.equal(parseDuration("15m"), 900n);
    assert.equal(parseDuration("1h30m"), 5400n);
    assert.equal(parseDuration("2d"), 172_800n);
    assert.throws(() => parseDuration("soon"), usage);
    assert.throws(() => parseDuration("5 m"), usage);
    assert.equal(formatDuration(370n), "6m 10s");
    assert.equal(formatDuration(0n), "0s");
  });

  it("parses byte sizes in decimal and binary units", () => {
    assert.equal(parseByteSize("2GB"), 2_000_000_000n);
    assert.equal(parseByteSize("1.5 MB"), 1_500_000n);
    assert.equal(parseByteSize("1GiB"), 1n << 30n);
    assert.equal(parseByteSize("123"), 123n);
    assert.throws(() => parseByteSize("lots"), usage);
    assert.equal(formatByteSize(1_500_000n), "1.5 MB");
    assert.equal(formatByteSize(999n), "999 B");
  });
});
