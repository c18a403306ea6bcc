import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { privateKeyToAccount } from "viem/accounts";
import { createReceiptVerifier } from "../../src/protocol/createReceiptVerifier.ts";
import { getReceiptId } from "../../src/protocol/eip712/getReceiptId.ts";
import { hashViewerTicket } from "../../src/protocol/eip712/hashViewerTicket.ts";
import { recoverChunkReceiptSigner } from "../../src/protocol/messages/recoverChunkReceiptSigner.ts";
import { signViewerTicket } from "../../src/protocol/messages/signViewerTicket.ts";
import { validateReceipt } from "../../src/protocol/validation/validateReceipt.ts";
import { signedChunkReceiptFromJson } from "../../src/protocol/wire/signedChunkReceiptFromJson.ts";
import { RelaySdkError } from "../../src/relay-sdk/errors/RelaySdkError.ts";
import { createChunkReceipt } from "../../src/relay-sdk/receiver/createChunkReceipt.ts";
import { createReceiver } from "../../src/relay-sdk/receiver/createReceiver.ts";
import { createViewerSessionKey } from "../../src/relay-sdk/receiver/createViewerSessionKey.ts";
import {
  chunkBytes,
  domain,
  epochParams,
  genesisMs,
  makeSession,
  pool,
  poolId,
  relayAddress,
  serverNowMs,
  ticketSignerKey,
} from "./fixtures.ts";

const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}`;
const code = (c: string) => (err: unknown) => err instanceof RelaySdkError && err.code === c;

describe("viewer session key", () => {
  it("is fresh per session and its address is the key's Ethereum address", () => {
    const a = createViewerSessionKey();
    const b = createViewerSessionKey();
    assert.notEqual(a.privateKey, b.privateKey);
    assert.equal(a.address, privateKeyToAccount(a.privateKey).address.toLowerCase());
    assert.equal(a.publicKey.length, 2 + 66);
  });

  it("uses the injected randomness (same seed, same key) and refuses a seed of the wrong length", () => {
    const seed = () => new Uint8Array(48).fill(7);
    assert.equal(
      createViewerSessionKey({ randomBytes: seed }).privateKey,
      createViewerSessionKey({ randomBytes: seed }).privateKey,
    );
    assert.throws(() => createViewerSessionKey({ randomBytes: () => new Uint8Array(16) }), code("INVALID_ARGUMENT"));
  });
});

describe("createChunkReceipt", () => {
  const session = makeSession();
  const bytes = chunkBytes(5, 2);
  const base = {
    bytes,
    relay: relayAddress,
    segment: 5n,
    chunk: 2,
    ticket: session.ticket,
    sessionKey: session.key,
    domain,
    now: () => genesisMs + 61_234,
  };

  it("signs keccak256(chunk), size, relay, segment/chunk and deliveredAt = now(), recoverable to the viewer", () => {
    const out = createChunkReceipt(base);
    const r = out.signed.receipt;
    assert.equal(out.chunkHash, hex(keccak_256(bytes)));
    assert.equal(r.chunkHash, out.chunkHash);
    assert.equal(r.size, bytes.length);
    assert.equal(r.deliveredAt, BigInt(genesisMs + 61_234));
    assert.equal(r.ticketHash, hashViewerTicket(session.ticket.ticket));
    assert.equal(r.poolId, poolId);
    assert.equal(r.relay, relayAddress);
    assert.deepEqual([r.segment, r.chunk], [5n, 2]);
    assert.equal(out.receiptId, getReceiptId(r, domain));
    assert.equal(recoverChunkReceiptSigner(out.signed, domain), session.key.address);
    assert.deepEqual(signedChunkReceiptFromJson(out.json), out.signed);
  });

  it("produces a receipt the protocol's full validation accepts", () => {
    const out = createChunkReceipt(base);
    const v = validateReceipt({
      receipt: out.signed,
      ticket: session.ticket,
      pool,
      epochParams,
      nowMs: serverNowMs,
      context: { seen: new Set(), bytesAccepted: 0n },
      verifier: createReceiptVerifier({ domain }),
    });
    assert.deepEqual(v.errors, []);
    assert.equal(v.ok, true);
  });

  it("checks the bytes against a known chunk hash: equal (any case) signs, different throws CHUNK_HASH_MISMATCH", () => {
    const good = hex(keccak_256(bytes)).toUpperCase().replace("0X", "0x") as `0x${string}`;
    assert.equal(createChunkReceipt({ ...base, expectedChunkHash: good }).chunkHash, good.toLowerCase());
    const tampered = bytes.slice();
    tampered[0]! ^= 1;
    assert.throws(
      () => createChunkReceipt({ ...base, bytes: tampered, expectedChunkHash: good }),
      code("CHUNK_HASH_MISMATCH"),
    );
  });

  it("refuses a session key that is not the ticket's viewer (SESSION_KEY_MISMATCH)", () => {
    const other = createViewerSessionKey();
    assert.throws(() => createChunkReceipt({ ...base, sessionKey: other }), code("SESSION_KEY_MISMATCH"));
    assert.throws(() => createChunkReceipt({ ...base, sessionKey: other.privateKey }), code("SESSION_KEY_MISMATCH"));
    assert.throws(
      () => createReceiver({ domain, ticket: session.ticket, sessionKey: other }),
      code("SESSION_KEY_MISMATCH"),
    );
  });

  it("refuses to sign outside the ticket window (TICKET_OUTSIDE_WINDOW), inclusive at both ends", () => {
    const { notBefore, notAfter } = session.ticket.ticket;
    assert.throws(
      () => createChunkReceipt({ ...base, now: () => Number(notBefore) - 1 }),
      code("TICKET_OUTSIDE_WINDOW"),
    );
    assert.throws(
      () => createChunkReceipt({ ...base, now: () => Number(notAfter) + 1 }),
      code("TICKET_OUTSIDE_WINDOW"),
    );
    assert.equal(createChunkReceipt({ ...base, now: () => Number(notAfter) }).signed.receipt.deliveredAt, notAfter);
  });

  it("refuses out-of-range segment/chunk numbers and a bad relay address", () => {
    assert.throws(() => createChunkReceipt({ ...base, chunk: 2 ** 32 }), code("INVALID_ARGUMENT"));
    assert.throws(() => createChunkReceipt({ ...base, segment: -1n }), code("INVALID_ARGUMENT"));
    assert.throws(() => createChunkReceipt({ ...base, relay: "0x1234" }), code("INVALID_ARGUMENT"));
  });

  it("signs the EIP-2098 64-byte form on request, recoverable to the same viewer", () => {
    const out = createChunkReceipt({ ...base, form: "64" });
    assert.equal(out.signed.signature.length, 2 + 128);
    assert.equal(recoverChunkReceiptSigner(out.signed, domain), session.key.address);
  });

  it("createReceiver signs exactly what createChunkReceipt signs with the same clock", () => {
    const receiver = createReceiver({
      domain,
      ticket: session.ticket,
      sessionKey: session.key.privateKey,
      now: base.now,
    });
    assert.equal(receiver.viewer, session.key.address);
    assert.equal(receiver.ticketHash, hashViewerTicket(session.ticket.ticket));
    const a = receiver.signChunk({ bytes, relay: relayAddress, segment: 5, chunk: 2 });
    assert.deepEqual(a, createChunkReceipt(base));
  });

  it("a ticket for another viewer key is detected even when the ticket itself is validly signed", () => {
    const key = createViewerSessionKey();
    const ticket = signViewerTicket({ ...session.ticket.ticket, viewer: key.address }, domain, ticketSignerKey);
    assert.throws(() => createChunkReceipt({ ...base, ticket }), code("SESSION_KEY_MISMATCH"));
    assert.equal(
      createChunkReceipt({ ...base, ticket, sessionKey: key }).signed.receipt.ticketHash,
      hashViewerTicket(ticket.ticket),
    );
  });
});
