import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toJsonSafe } from "../../../src/protocol/utils/toJsonSafe.ts";

describe("toJsonSafe", () => {
  it("turns bigints into exact decimal strings, at any depth", () => {
    const big = 2n ** 200n + 1n;
    assert.deepEqual(toJsonSafe({ a: big, b: [1n, { c: -5n }] }), { a: big.toString(), b: ["1", { c: "-5" }] });
  });

  it("writes bytes as lowercase 0x-hex, Sets as arrays and Maps as [key, value] pairs", () => {
    const value = { bytes: new Uint8Array([0, 171, 255]), set: new Set([1n, 2n]), map: new Map([["k", 3n]]) };
    assert.deepEqual(toJsonSafe(value), { bytes: "0x00abff", set: ["1", "2"], map: [["k", "3"]] });
  });

  it("drops undefined fields and uses what toJSON returns", () => {
    const when = new Date(Date.UTC(2026, 0, 2));
    assert.deepEqual(toJsonSafe({ gone: undefined, when, kept: null }), { when: when.toISOString(), kept: null });
  });

  it("gives a value JSON.stringify accepts", () => {
    assert.equal(JSON.stringify(toJsonSafe({ n: 10n ** 30n })), '{"n":"1000000000000000000000000000000"}');
  });
});
