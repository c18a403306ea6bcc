import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BaseError } from "../../src/protocol/errors/BaseError.ts";
import {
  argumentErrorCodes,
  bundleErrorCodes,
  protocolErrorCodes,
  receiptValidationCodes,
  signatureErrorCodes,
  wireErrorCodes,
} from "../../src/protocol/errors/codes.ts";
import { ProtocolError } from "../../src/protocol/errors/ProtocolError.ts";

describe("ProtocolError", () => {
  it("extends BaseError and Error with a stable code, short message, field and cause", () => {
    const cause = new Error("inner problem");
    const err = new ProtocolError("RECEIPT_DUPLICATE", "Already seen.", { field: "receipt.chunk", cause });
    assert.ok(err instanceof BaseError && err instanceof Error);
    assert.equal(err.name, "ProtocolError");
    assert.equal(err.code, "RECEIPT_DUPLICATE");
    assert.equal(err.shortMessage, "Already seen.");
    assert.equal(err.field, "receipt.chunk");
    assert.equal(err.cause, cause);
    assert.equal(err.details, "inner problem");
    assert.match(err.message, /Already seen\.[\s\S]*Details: inner problem/);
    assert.deepEqual(err.toJSON(), { code: "RECEIPT_DUPLICATE", message: "Already seen.", field: "receipt.chunk" });
    assert.deepEqual(new ProtocolError("WIRE_TRUNCATED", "Short.").toJSON(), {
      code: "WIRE_TRUNCATED",
      message: "Short.",
    });
  });
  it("walk() follows the cause chain", () => {
    const inner = new ProtocolError("SIGNATURE_HIGH_S", "High s.");
    const outer = new ProtocolError("RECEIPT_BAD_SIGNATURE", "Bad.", { cause: inner });
    assert.equal(
      outer.walk((e) => e instanceof ProtocolError && e.code === "SIGNATURE_HIGH_S"),
      inner,
    );
    assert.equal(outer.walk(), inner);
    assert.equal(outer.details, "High s.");
    assert.match(outer.message, /Details: High s\./);
    assert.equal(
      outer.walk(() => false),
      null,
    );
  });
  it("BaseError shows meta messages and details", () => {
    const e = new BaseError("Top.", { metaMessages: ["- one", "- two"], details: "why" });
    assert.equal(e.message, "Top.\n\n- one\n- two\n\nDetails: why");
    assert.equal(new BaseError("").message, "An error occurred.");
  });
  it("code lists are disjoint and complete", () => {
    const all = [
      ...receiptValidationCodes,
      ...signatureErrorCodes,
      ...wireErrorCodes,
      ...argumentErrorCodes,
      ...bundleErrorCodes,
    ];
    assert.equal(new Set(all).size, all.length);
    assert.deepEqual([...protocolErrorCodes], all);
    for (const c of all) assert.match(c, /^[A-Z0-9_]+$/);
  });
});
