import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ProtocolError } from "../../src/protocol/errors/ProtocolError.ts";
import { signClaimAuthorization } from "../../src/protocol/messages/signClaimAuthorization.ts";
import type { ClaimAuthorization } from "../../src/protocol/types.ts";
import { chunkReceiptFromJson } from "../../src/protocol/wire/chunkReceiptFromJson.ts";
import { chunkReceiptToJson } from "../../src/protocol/wire/chunkReceiptToJson.ts";
import { claimAuthorizationFromJson } from "../../src/protocol/wire/claimAuthorizationFromJson.ts";
import { claimAuthorizationToJson } from "../../src/protocol/wire/claimAuthorizationToJson.ts";
import { decodeReceiptBatch } from "../../src/protocol/wire/decodeReceiptBatch.ts";
import { encodeReceiptBatch } from "../../src/protocol/wire/encodeReceiptBatch.ts";
import { signedChunkReceiptFromJson } from "../../src/protocol/wire/signedChunkReceiptFromJson.ts";
import { signedChunkReceiptToJson } from "../../src/protocol/wire/signedChunkReceiptToJson.ts";
import { signedClaimAuthorizationFromJson } from "../../src/protocol/wire/signedClaimAuthorizationFromJson.ts";
import { signedClaimAuthorizationToJson } from "../../src/protocol/wire/signedClaimAuthorizationToJson.ts";
import { signedViewerTicketFromJson } from "../../src/protocol/wire/signedViewerTicketFromJson.ts";
import { signedViewerTicketToJson } from "../../src/protocol/wire/signedViewerTicketToJson.ts";
import { viewerTicketFromJson } from "../../src/protocol/wire/viewerTicketFromJson.ts";
import { viewerTicketToJson } from "../../src/protocol/wire/viewerTicketToJson.ts";
import { addresses, domain, keys, makeSignedPair } from "./fixtures.ts";

const lower = <T>(v: T): T =>
  JSON.parse(
    JSON.stringify(v, (_, x) => (typeof x === "string" ? x.toLowerCase() : typeof x === "bigint" ? `${x}n` : x)),
  );
const wireError = (code: string, field?: string) => (e: unknown) =>
  e instanceof ProtocolError && e.code === code && (field === undefined || e.field === field);
const authorization: ClaimAuthorization = {
  poolId: `0x${"a1".repeat(32)}`,
  account: addresses.relay,
  recipient: addresses.other,
  maxFee: (1n << 256n) - 1n,
  nonce: 0n,
  deadline: 1_800_000_000n,
};

describe("JSON wire format", () => {
  const { ticket, receipt } = makeSignedPair();
  it("round-trips signed tickets, receipts and claim authorizations through JSON text", () => {
    const t = signedViewerTicketFromJson(JSON.parse(JSON.stringify(signedViewerTicketToJson(ticket))));
    assert.deepEqual(lower(t), lower(ticket));
    const r = signedChunkReceiptFromJson(JSON.parse(JSON.stringify(signedChunkReceiptToJson(receipt))));
    assert.deepEqual(lower(r), lower(receipt));
    const a = signClaimAuthorization(authorization, domain, keys.relay);
    assert.deepEqual(
      lower(signedClaimAuthorizationFromJson(JSON.parse(JSON.stringify(signedClaimAuthorizationToJson(a))))),
      lower(a),
    );
  });
  it("round-trips unsigned messages", () => {
    assert.deepEqual(lower(viewerTicketFromJson(viewerTicketToJson(ticket.ticket))), lower(ticket.ticket));
    assert.deepEqual(lower(chunkReceiptFromJson(chunkReceiptToJson(receipt.receipt))), lower(receipt.receipt));
    assert.deepEqual(lower(claimAuthorizationFromJson(claimAuthorizationToJson(authorization))), lower(authorization));
  });
  it("writes uint64/uint256 as decimal strings and uint32 as numbers", () => {
    const json = signedChunkReceiptToJson(receipt);
    assert.equal(typeof json.receipt.segment, "string");
    assert.equal(typeof json.receipt.deliveredAt, "string");
    assert.equal(typeof json.receipt.chunk, "number");
    assert.equal(claimAuthorizationToJson(authorization).maxFee, ((1n << 256n) - 1n).toString());
  });
  it("names the wrong field and lists every problem", () => {
    const json = signedChunkReceiptToJson(receipt) as unknown as {
      receipt: Record<string, unknown>;
      signature: string;
    };
    const bad = { ...json, receipt: { ...json.receipt, segment: 5, size: -1 } };
    assert.throws(
      () => signedChunkReceiptFromJson(bad),
      (e: unknown) =>
        e instanceof ProtocolError &&
        e.code === "WIRE_INVALID_FIELD" &&
        e.field === "receipt.segment" &&
        e.details.includes("receipt.size"),
    );
  });
  const json = signedViewerTicketToJson(ticket) as unknown as { ticket: Record<string, unknown>; signature: string };
  const cases: [string, unknown, string][] = [
    ["a missing field", { ...json, ticket: { ...json.ticket, maxBytes: undefined } }, "ticket.maxBytes"],
    ["a negative decimal", { ...json, ticket: { ...json.ticket, notBefore: "-1" } }, "ticket.notBefore"],
    ["a hex uint64", { ...json, ticket: { ...json.ticket, notAfter: "0x10" } }, "ticket.notAfter"],
    ["a uint64 overflow", { ...json, ticket: { ...json.ticket, maxBytes: "18446744073709551616" } }, "ticket.maxBytes"],
    ["a 31-byte poolId", { ...json, ticket: { ...json.ticket, poolId: `0x${"11".repeat(31)}` } }, "ticket.poolId"],
    ["an address without 0x", { ...json, ticket: { ...json.ticket, viewer: "11".repeat(20) } }, "ticket.viewer"],
    ["an unknown field", { ...json, ticket: { ...json.ticket, extra: true } }, "ticket.extra"],
    ["an unknown top-level field", { ...json, extra: true }, "extra"],
    ["a ticket that is not an object", { ...json, ticket: "x" }, "ticket"],
    ["a missing ticket", { signature: json.signature }, "ticket"],
    ["a 66-byte signature", { ...json, signature: `${json.signature}00` }, "signature"],
    ["null", null, "(root)"],
  ];
  for (const [name, value, field] of cases)
    it(`refuses ${name} with WIRE_INVALID_FIELD at ${field}`, () => {
      assert.throws(
        () => signedViewerTicketFromJson(JSON.parse(JSON.stringify(value))),
        wireError("WIRE_INVALID_FIELD", field),
      );
    });
  it("refuses uint32 fields given as strings or fractions", () => {
    const r = chunkReceiptToJson(receipt.receipt) as unknown as Record<string, unknown>;
    assert.throws(() => chunkReceiptFromJson({ ...r, chunk: "1" }), wireError("WIRE_INVALID_FIELD", "receipt.chunk"));
    assert.throws(() => chunkReceiptFromJson({ ...r, size: 1.5 }), wireError("WIRE_INVALID_FIELD", "receipt.size"));
    assert.throws(
      () => claimAuthorizationFromJson({ ...claimAuthorizationToJson(authorization), nonce: 1 }),
      wireError("WIRE_INVALID_FIELD", "authorization.nonce"),
    );
  });
});

describe("binary batch format", () => {
  const pairs = [
    makeSignedPair(),
    makeSignedPair({ maxBytes: 5n }, { chunk: 2 }),
    makeSignedPair({}, { segment: (1n << 64n) - 1n }),
  ];
  const receipts = pairs.map((p, i) =>
    i === 1 ? { ...p.receipt, signature: `${p.receipt.signature.slice(0, 130)}` as `0x${string}` } : p.receipt,
  );
  const tickets = pairs.map((p) => p.ticket);
  it("round-trips receipts and tickets, keeping 64- and 65-byte signatures as given", () => {
    const decoded = decodeReceiptBatch(encodeReceiptBatch(receipts, tickets));
    assert.deepEqual(lower(decoded), lower({ tickets, receipts }));
  });
  it("round-trips a receipts-only batch and an empty batch", () => {
    assert.deepEqual(lower(decodeReceiptBatch(encodeReceiptBatch(receipts))), lower({ tickets: [], receipts }));
    const empty = encodeReceiptBatch([]);
    assert.deepEqual([...empty], [1, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(decodeReceiptBatch(empty), { tickets: [], receipts: [] });
  });
  it("starts with version byte 0x01 and has the documented record sizes", () => {
    const bytes = encodeReceiptBatch([receipts[0]!], [tickets[0]!]);
    assert.equal(bytes[0], 1);
    assert.equal(bytes.length, 9 + (108 + 1 + 65) + (140 + 1 + 65));
  });
  const bytes = encodeReceiptBatch(receipts, tickets);
  it("refuses an unknown version with WIRE_UNKNOWN_VERSION", () => {
    const b = bytes.slice();
    b[0] = 2;
    assert.throws(() => decodeReceiptBatch(b), wireError("WIRE_UNKNOWN_VERSION"));
  });
  it("refuses every truncation with WIRE_TRUNCATED", () => {
    for (let n = 0; n < bytes.length; n += 7)
      assert.throws(() => decodeReceiptBatch(bytes.subarray(0, n)), wireError("WIRE_TRUNCATED"), `length ${n}`);
    assert.throws(() => decodeReceiptBatch(bytes.subarray(0, bytes.length - 1)), wireError("WIRE_TRUNCATED"));
  });
  it("refuses trailing bytes with WIRE_TRAILING_BYTES", () => {
    const b = new Uint8Array(bytes.length + 1);
    b.set(bytes);
    assert.throws(() => decodeReceiptBatch(b), wireError("WIRE_TRAILING_BYTES"));
  });
  it("refuses a signature length other than 64/65 with WIRE_INVALID_FIELD naming the record", () => {
    const b = encodeReceiptBatch([receipts[0]!]);
    b[9 + 140] = 66;
    const longer = new Uint8Array(b.length + 1);
    longer.set(b);
    assert.throws(() => decodeReceiptBatch(longer), wireError("WIRE_INVALID_FIELD", "receipts[0].signature"));
  });
  it("refuses a counterfeit count without allocating (truncated header check)", () => {
    const b = encodeReceiptBatch([]);
    b[5] = 0xff;
    assert.throws(() => decodeReceiptBatch(b), wireError("WIRE_TRUNCATED", "header"));
  });
  it("encodeReceiptBatch refuses bad fields and signature lengths with INVALID_ARGUMENT", () => {
    assert.throws(
      () => encodeReceiptBatch([{ ...receipts[0]!, signature: "0x1234" }]),
      wireError("INVALID_ARGUMENT", "receipts[0].signature"),
    );
    assert.throws(
      () => encodeReceiptBatch([{ ...receipts[0]!, receipt: { ...receipts[0]!.receipt, chunk: -1 } }]),
      wireError("INVALID_ARGUMENT", "receipts[0].receipt.chunk"),
    );
    assert.throws(() => decodeReceiptBatch("0x01" as unknown as Uint8Array), wireError("INVALID_ARGUMENT"));
  });
});
