import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createReceiptVerifier } from "../../src/protocol/createReceiptVerifier.ts";
import { hashViewerTicket } from "../../src/protocol/eip712/hashViewerTicket.ts";
import { receiptValidationCodes } from "../../src/protocol/errors/codes.ts";
import { ProtocolError } from "../../src/protocol/errors/ProtocolError.ts";
import { signChunkReceipt } from "../../src/protocol/messages/signChunkReceipt.ts";
import { signViewerTicket } from "../../src/protocol/messages/signViewerTicket.ts";
import { createNodeReceiptVerifier } from "../../src/protocol/node/createNodeReceiptVerifier.ts";
import type { Hex } from "../../src/protocol/types.ts";
import { getUniquenessKey } from "../../src/protocol/validation/getUniquenessKey.ts";
import { type ReceiptValidationArgs, validateReceipt } from "../../src/protocol/validation/validateReceipt.ts";
import {
  addresses,
  domain,
  epochParams,
  genesisMs,
  keys,
  makeReceipt,
  makeSignedPair,
  makeTicket,
  pool,
  poolId,
} from "./fixtures.ts";

const verifier = createReceiptVerifier({ domain });
const nowMs = genesisMs + 120_000n;
const base = (overrides: Partial<ReceiptValidationArgs> = {}): ReceiptValidationArgs => {
  const pair = makeSignedPair();
  return { ...pair, pool, epochParams, nowMs, context: { seen: new Set(), bytesAccepted: 0n }, verifier, ...overrides };
};
const codes = (args: ReceiptValidationArgs) =>
  validateReceipt(args)
    .errors.map((e) => e.code)
    .sort();

describe("validateReceipt", () => {
  it("accepts a valid receipt and returns its receiptId, ticketHash, epoch and uniqueness key", () => {
    const args = base();
    const result = validateReceipt(args);
    assert.deepEqual(result.errors, []);
    assert.ok(result.ok);
    assert.equal(result.epoch, 0n);
    assert.equal(result.ticketHash, hashViewerTicket(args.ticket.ticket));
    assert.equal(result.uniquenessKey, getUniquenessKey(args.receipt.receipt));
    assert.equal(result.receiptId.length, 66);
  });
  it("accepts with the Node (native) verifier too, and for a 64-byte signature", async () => {
    const node = await createNodeReceiptVerifier({ domain });
    const t = makeTicket();
    const receipt = signChunkReceipt(makeReceipt(t), domain, keys.viewer, "64");
    assert.ok(
      validateReceipt(base({ verifier: node, receipt, ticket: signViewerTicket(t, domain, keys.ticketSigner, "64") }))
        .ok,
    );
  });
  it("RECEIPT_MALFORMED: a field out of range, naming it, and nothing else", () => {
    const args = base();
    const r = validateReceipt({
      ...args,
      receipt: { ...args.receipt, receipt: { ...args.receipt.receipt, chunk: -1 } },
    });
    assert.deepEqual(
      r.errors.map((e) => [e.code, e.field]),
      [["RECEIPT_MALFORMED", "receipt.chunk"]],
    );
  });
  it("RECEIPT_MALFORMED: a malformed ticket or signature strings", () => {
    const args = base();
    assert.deepEqual(
      codes({ ...args, ticket: { ...args.ticket, ticket: { ...args.ticket.ticket, viewer: "0x12" } } }),
      ["RECEIPT_MALFORMED"],
    );
    assert.deepEqual(codes({ ...args, receipt: { ...args.receipt, signature: "0x1234" } }), ["RECEIPT_MALFORMED"]);
    assert.deepEqual(codes({ ...args, ticket: { ...args.ticket, signature: "nothex" as Hex } }), ["RECEIPT_MALFORMED"]);
    assert.deepEqual(codes({ ...args, receipt: undefined as never }), ["RECEIPT_MALFORMED"]);
  });
  it("RECEIPT_BAD_SIGNATURE: a high-s signature, with the signature error as cause", () => {
    const args = base();
    const sig = args.receipt.signature;
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt(`0x${sig.slice(66, 130)}`);
    const v = Number.parseInt(sig.slice(130), 16);
    const high =
      `${sig.slice(0, 66)}${(n - s).toString(16).padStart(64, "0")}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
    const r = validateReceipt({ ...args, receipt: { ...args.receipt, signature: high } });
    assert.deepEqual(
      r.errors.map((e) => e.code),
      ["RECEIPT_BAD_SIGNATURE"],
    );
    assert.equal((r.errors[0]!.cause as ProtocolError).code, "SIGNATURE_HIGH_S");
  });
  it("RECEIPT_SIGNER_NOT_VIEWER: signed by another key", () => {
    const args = base();
    const receipt = signChunkReceipt(args.receipt.receipt, domain, keys.other);
    assert.deepEqual(codes({ ...args, receipt }), ["RECEIPT_SIGNER_NOT_VIEWER"]);
  });
  it("TICKET_BAD_SIGNER: ticket not signed by the pool's ticketSigner, or with an invalid signature", () => {
    const args = base();
    assert.deepEqual(codes({ ...args, ticket: signViewerTicket(args.ticket.ticket, domain, keys.other) }), [
      "TICKET_BAD_SIGNER",
    ]);
    assert.deepEqual(codes({ ...args, pool: { ...pool, ticketSigner: addresses.other } }), ["TICKET_BAD_SIGNER"]);
    assert.deepEqual(codes({ ...args, ticket: { ...args.ticket, signature: `0x${"00".repeat(65)}` } }), [
      "TICKET_BAD_SIGNER",
    ]);
  });
  it("RECEIPT_OUTSIDE_TICKET_WINDOW: before notBefore or after notAfter (inclusive bounds accepted)", () => {
    const t = makeTicket();
    const at = (deliveredAt: bigint) => {
      const args = base();
      return codes({ ...args, receipt: signChunkReceipt(makeReceipt(t, { deliveredAt }), domain, keys.viewer) });
    };
    assert.deepEqual(at(t.notBefore), []);
    assert.deepEqual(at(t.notAfter), []); // a future epoch is not closed
    assert.deepEqual(at(t.notAfter + 1n), ["RECEIPT_OUTSIDE_TICKET_WINDOW"]);
    assert.deepEqual(at(t.notBefore - 1n), ["EPOCH_CLOSED", "RECEIPT_OUTSIDE_TICKET_WINDOW"].sort());
  });
  it("RECEIPT_OUTSIDE_TICKET_WINDOW alone when the epoch is open", () => {
    const t = makeTicket({ notBefore: genesisMs + 1000n });
    const args = base({ ticket: signViewerTicket(t, domain, keys.ticketSigner) });
    const receipt = signChunkReceipt(makeReceipt(t, { deliveredAt: genesisMs + 500n }), domain, keys.viewer);
    assert.deepEqual(codes({ ...args, receipt }), ["RECEIPT_OUTSIDE_TICKET_WINDOW"]);
  });
  it("RECEIPT_OVER_MAX_BYTES: bytes already accepted plus this receipt exceed maxBytes (equal is fine)", () => {
    const args = base();
    const size = BigInt(args.receipt.receipt.size);
    assert.deepEqual(codes({ ...args, context: { seen: new Set(), bytesAccepted: 10_000_000n - size } }), []);
    assert.deepEqual(codes({ ...args, context: { seen: new Set(), bytesAccepted: 10_000_000n - size + 1n } }), [
      "RECEIPT_OVER_MAX_BYTES",
    ]);
  });
  it("RECEIPT_DUPLICATE: the uniqueness key was seen, whoever delivered it", () => {
    const args = base();
    const seen = new Set([getUniquenessKey(args.receipt.receipt)]);
    const otherRelay = signChunkReceipt({ ...args.receipt.receipt, relay: addresses.other }, domain, keys.viewer);
    assert.deepEqual(codes({ ...args, receipt: otherRelay, context: { seen, bytesAccepted: 0n } }), [
      "RECEIPT_DUPLICATE",
    ]);
  });
  it("EPOCH_CLOSED: now is at or past the epoch's end plus grace; before genesis too", () => {
    const args = base();
    const closesAtMs = (epochParams.genesisTime + epochParams.epochSeconds + epochParams.graceSeconds) * 1000n;
    assert.deepEqual(codes({ ...args, nowMs: closesAtMs - 1n }), []);
    assert.deepEqual(codes({ ...args, nowMs: closesAtMs }), ["EPOCH_CLOSED"]);
    const early = { ...epochParams, genesisTime: epochParams.genesisTime + 1000n };
    const r = validateReceipt({ ...args, epochParams: early });
    assert.deepEqual(
      r.errors.map((e) => e.code),
      ["EPOCH_CLOSED"],
    );
    assert.equal(r.epoch, undefined);
  });
  it("POOL_UNKNOWN: no pool, an inactive pool, or the wrong pool's info", () => {
    const args = base();
    assert.deepEqual(codes({ ...args, pool: undefined }), ["POOL_UNKNOWN"]);
    assert.deepEqual(codes({ ...args, pool: { ...pool, active: false } }), ["POOL_UNKNOWN"]);
    assert.deepEqual(codes({ ...args, pool: { ...pool, poolId: `0x${"99".repeat(32)}` } }), ["POOL_UNKNOWN"]);
  });
  it("RECEIPT_POOL_MISMATCH: receipt.poolId differs from ticket.poolId", () => {
    const other: Hex = `0x${"77".repeat(32)}`;
    const t = makeTicket();
    const receipt = signChunkReceipt(makeReceipt(t, { poolId: other }), domain, keys.viewer);
    const args = base();
    assert.deepEqual(codes({ ...args, receipt, pool: { ...pool, poolId: other } }), ["RECEIPT_POOL_MISMATCH"]);
  });
  it("RECEIPT_TICKET_MISMATCH: receipt.ticketHash is not the given ticket's hash", () => {
    const args = base();
    const receipt = signChunkReceipt(
      { ...args.receipt.receipt, ticketHash: `0x${"55".repeat(32)}` },
      domain,
      keys.viewer,
    );
    assert.deepEqual(codes({ ...args, receipt }), ["RECEIPT_TICKET_MISMATCH"]);
  });
  it("reports every reason at once", () => {
    const t = makeTicket({ maxBytes: 10n, notBefore: genesisMs + 10_000_000n, notAfter: genesisMs + 20_000_000n });
    const receipt = signChunkReceipt(
      makeReceipt(t, { ticketHash: `0x${"55".repeat(32)}`, poolId: `0x${"77".repeat(32)}` }),
      domain,
      keys.other,
    );
    const ticket = signViewerTicket(t, domain, keys.other);
    const r = validateReceipt({
      receipt,
      ticket,
      pool: { ...pool, active: false },
      epochParams,
      nowMs: genesisMs + 100_000_000n,
      context: { seen: new Set([getUniquenessKey(receipt.receipt)]), bytesAccepted: 0n },
      verifier,
    });
    assert.deepEqual(
      r.errors.map((e) => e.code).sort(),
      [
        "EPOCH_CLOSED",
        "POOL_UNKNOWN",
        "RECEIPT_DUPLICATE",
        "RECEIPT_OUTSIDE_TICKET_WINDOW",
        "RECEIPT_OVER_MAX_BYTES",
        "RECEIPT_POOL_MISMATCH",
        "RECEIPT_SIGNER_NOT_VIEWER",
        "RECEIPT_TICKET_MISMATCH",
        "TICKET_BAD_SIGNER",
      ].sort(),
    );
    for (const e of r.errors) {
      assert.ok(e instanceof ProtocolError);
      assert.ok(e.shortMessage.length > 10);
      assert.ok(e.field);
    }
  });
  it("every exported validation code is produced by some test above", () => {
    assert.deepEqual([...receiptValidationCodes].sort(), [
      "EPOCH_CLOSED",
      "POOL_UNKNOWN",
      "RECEIPT_BAD_SIGNATURE",
      "RECEIPT_DUPLICATE",
      "RECEIPT_MALFORMED",
      "RECEIPT_OUTSIDE_TICKET_WINDOW",
      "RECEIPT_OVER_MAX_BYTES",
      "RECEIPT_POOL_MISMATCH",
      "RECEIPT_SIGNER_NOT_VIEWER",
      "RECEIPT_TICKET_MISMATCH",
      "TICKET_BAD_SIGNER",
    ]);
  });
  it("getUniquenessKey lowercases the ticketHash and ignores the relay", () => {
    const r = makeReceipt(makeTicket());
    assert.equal(
      getUniquenessKey({ ...r, ticketHash: r.ticketHash.toUpperCase().replace("0X", "0x") as Hex }),
      getUniquenessKey(r),
    );
    assert.equal(getUniquenessKey(r), `${r.ticketHash}:3:1`);
    void poolId;
  });
});
