import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hashStruct, hashTypedData, keccak256, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  CHUNK_RECEIPT_TYPE,
  CHUNK_RECEIPT_TYPEHASH,
  CLAIM_AUTHORIZATION_TYPE,
  CLAIM_AUTHORIZATION_TYPEHASH,
  EIP712_DOMAIN_TYPE,
  EIP712_DOMAIN_TYPEHASH,
  eip712Types,
  VIEWER_TICKET_TYPE,
  VIEWER_TICKET_TYPEHASH,
} from "../../src/protocol/constants.ts";
import { createReceiptVerifier } from "../../src/protocol/createReceiptVerifier.ts";
import { encodeChunkReceipt } from "../../src/protocol/eip712/encodeChunkReceipt.ts";
import { encodeClaimAuthorization } from "../../src/protocol/eip712/encodeClaimAuthorization.ts";
import { encodeViewerTicket } from "../../src/protocol/eip712/encodeViewerTicket.ts";
import { getClaimAuthorizationDigest } from "../../src/protocol/eip712/getClaimAuthorizationDigest.ts";
import { getDomainSeparator } from "../../src/protocol/eip712/getDomainSeparator.ts";
import { getReceiptId } from "../../src/protocol/eip712/getReceiptId.ts";
import { getTypedDataDigest } from "../../src/protocol/eip712/getTypedDataDigest.ts";
import { getViewerTicketDigest } from "../../src/protocol/eip712/getViewerTicketDigest.ts";
import { hashChunkReceipt } from "../../src/protocol/eip712/hashChunkReceipt.ts";
import { hashClaimAuthorization } from "../../src/protocol/eip712/hashClaimAuthorization.ts";
import { hashViewerTicket } from "../../src/protocol/eip712/hashViewerTicket.ts";
import { ProtocolError } from "../../src/protocol/errors/ProtocolError.ts";
import { createFastKeccak256 } from "../../src/protocol/hash/createFastKeccak256.ts";
import { keccak256 as jsKeccak } from "../../src/protocol/hash/keccak256.ts";
import { recoverChunkReceiptSigner } from "../../src/protocol/messages/recoverChunkReceiptSigner.ts";
import { recoverClaimAuthorizationSigner } from "../../src/protocol/messages/recoverClaimAuthorizationSigner.ts";
import { recoverViewerTicketSigner } from "../../src/protocol/messages/recoverViewerTicketSigner.ts";
import { signChunkReceipt } from "../../src/protocol/messages/signChunkReceipt.ts";
import { signClaimAuthorization } from "../../src/protocol/messages/signClaimAuthorization.ts";
import { signViewerTicket } from "../../src/protocol/messages/signViewerTicket.ts";
import { verifyChunkReceipt } from "../../src/protocol/messages/verifyChunkReceipt.ts";
import { verifyClaimAuthorization } from "../../src/protocol/messages/verifyClaimAuthorization.ts";
import { verifyViewerTicket } from "../../src/protocol/messages/verifyViewerTicket.ts";
import { createNodeReceiptVerifier } from "../../src/protocol/node/createNodeReceiptVerifier.ts";
import type { ChunkReceipt, ClaimAuthorization, Hex, ViewerTicket } from "../../src/protocol/types.ts";
import { addresses, domain, keys, makeReceipt, makeTicket, rng, toBig, toHexStr, viemDomain } from "./fixtures.ts";

const rand = rng(712);
const randomTicket = (): ViewerTicket => ({
  poolId: toHexStr(rand(32)),
  streamId: toHexStr(rand(32)),
  viewer: toHexStr(rand(20)),
  notBefore: toBig(rand(8)),
  notAfter: toBig(rand(8)),
  maxBytes: toBig(rand(rand(1)[0]! % 9)) || 0n,
});
const randomReceipt = (): ChunkReceipt => ({
  poolId: toHexStr(rand(32)),
  ticketHash: toHexStr(rand(32)),
  relay: toHexStr(rand(20)),
  segment: toBig(rand(8)),
  chunk: Number(toBig(rand(4))),
  chunkHash: toHexStr(rand(32)),
  size: Number(toBig(rand(4))),
  deliveredAt: toBig(rand(8)),
});
const randomAuthorization = (): ClaimAuthorization => ({
  poolId: toHexStr(rand(32)),
  account: toHexStr(rand(20)),
  recipient: toHexStr(rand(20)),
  maxFee: toBig(rand(32)),
  nonce: toBig(rand(rand(1)[0]! % 33)) || 0n,
  deadline: toBig(rand(8)),
});
const authorization: ClaimAuthorization = {
  poolId: `0x${"a1".repeat(32)}`,
  account: addresses.relay,
  recipient: addresses.other,
  maxFee: 10n ** 18n,
  nonce: 1n,
  deadline: 1_800_000_000n,
};

describe("EIP-712 type strings and typehashes", () => {
  it("typehashes are keccak256 of the exported type strings", () => {
    assert.equal(EIP712_DOMAIN_TYPEHASH, keccak256(toHex(EIP712_DOMAIN_TYPE)));
    assert.equal(VIEWER_TICKET_TYPEHASH, keccak256(toHex(VIEWER_TICKET_TYPE)));
    assert.equal(CHUNK_RECEIPT_TYPEHASH, keccak256(toHex(CHUNK_RECEIPT_TYPE)));
    assert.equal(CLAIM_AUTHORIZATION_TYPEHASH, keccak256(toHex(CLAIM_AUTHORIZATION_TYPE)));
  });
  it("type strings match the field lists viem encodes", () => {
    for (const [name, fields] of Object.entries(eip712Types)) {
      const s = `${name}(${fields.map((f) => `${f.type} ${f.name}`).join(",")})`;
      assert.ok([VIEWER_TICKET_TYPE, CHUNK_RECEIPT_TYPE, CLAIM_AUTHORIZATION_TYPE].includes(s), s);
    }
  });
  it("the domain separator equals viem's for the meshpay domain", () => {
    const expected = hashStruct({
      data: { ...viemDomain, chainId: 31337n },
      primaryType: "EIP712Domain",
      types: {
        EIP712Domain: [
          { name: "name", type: "string" },
          { name: "version", type: "string" },
          { name: "chainId", type: "uint256" },
          { name: "verifyingContract", type: "address" },
        ],
      },
    });
    assert.equal(getDomainSeparator(domain), expected);
    assert.equal(getDomainSeparator({ ...domain, chainId: 31337n }), expected);
  });
});

describe("struct hashes and digests agree with viem on random messages", () => {
  it("hashViewerTicket / getViewerTicketDigest", () => {
    for (let i = 0; i < 40; i++) {
      const t = randomTicket();
      assert.equal(hashViewerTicket(t), hashStruct({ data: t, primaryType: "ViewerTicket", types: eip712Types }));
      assert.equal(
        getViewerTicketDigest(t, domain),
        hashTypedData({ domain: viemDomain, types: eip712Types, primaryType: "ViewerTicket", message: t }),
      );
    }
  });
  it("hashChunkReceipt / getReceiptId", () => {
    for (let i = 0; i < 40; i++) {
      const r = randomReceipt();
      assert.equal(hashChunkReceipt(r), hashStruct({ data: r, primaryType: "ChunkReceipt", types: eip712Types }));
      assert.equal(
        getReceiptId(r, domain),
        hashTypedData({ domain: viemDomain, types: eip712Types, primaryType: "ChunkReceipt", message: r }),
      );
    }
  });
  it("hashClaimAuthorization / getClaimAuthorizationDigest", () => {
    for (let i = 0; i < 40; i++) {
      const a = randomAuthorization();
      assert.equal(
        hashClaimAuthorization(a),
        hashStruct({ data: a, primaryType: "ClaimAuthorization", types: eip712Types }),
      );
      assert.equal(
        getClaimAuthorizationDigest(a, domain),
        hashTypedData({ domain: viemDomain, types: eip712Types, primaryType: "ClaimAuthorization", message: a }),
      );
    }
  });
  it("getTypedDataDigest is keccak256(0x1901 ‖ separator ‖ structHash)", () => {
    const r = randomReceipt();
    assert.equal(getTypedDataDigest(getDomainSeparator(domain), hashChunkReceipt(r)), getReceiptId(r, domain));
  });
  it("the hash-wasm keccak gives the same hashes as the pure-JS one", async () => {
    const fast = await createFastKeccak256();
    const r = randomReceipt();
    assert.equal(getReceiptId(r, domain, fast), getReceiptId(r, domain, jsKeccak));
    assert.equal(hashViewerTicket(makeTicket(), fast), hashViewerTicket(makeTicket()));
  });
  it("ReceiptVerifier digests (JS and Node) equal viem's hashTypedData and hashStruct", async () => {
    const node = await createNodeReceiptVerifier({ domain });
    const js = createReceiptVerifier({ domain });
    for (let i = 0; i < 20; i++) {
      const r = randomReceipt();
      const t = randomTicket();
      const id = hashTypedData({ domain: viemDomain, types: eip712Types, primaryType: "ChunkReceipt", message: r });
      assert.equal(toHexStr(node.receiptDigest(r)), id);
      assert.equal(toHexStr(js.receiptDigest(r)), id);
      assert.equal(toHexStr(node.ticketHash(t)), hashViewerTicket(t));
      assert.equal(toHexStr(node.ticketDigest(t)), getViewerTicketDigest(t, domain));
    }
    assert.equal(node.domainSeparator, getDomainSeparator(domain));
  });
});

describe("encoders refuse out-of-range and non-hex fields", () => {
  const cases: [string, () => unknown][] = [
    ["notBefore", () => encodeViewerTicket({ ...makeTicket(), notBefore: 1n << 64n })],
    ["maxBytes", () => encodeViewerTicket({ ...makeTicket(), maxBytes: -1n })],
    ["viewer", () => encodeViewerTicket({ ...makeTicket(), viewer: "0x1234" })],
    ["poolId", () => encodeViewerTicket({ ...makeTicket(), poolId: `0x${"zz".repeat(32)}` })],
    ["chunk", () => encodeChunkReceipt({ ...makeReceipt(makeTicket()), chunk: 2 ** 32 })],
    ["size", () => encodeChunkReceipt({ ...makeReceipt(makeTicket()), size: 1.5 })],
    ["segment", () => encodeChunkReceipt({ ...makeReceipt(makeTicket()), segment: 1n << 64n })],
    ["maxFee", () => encodeClaimAuthorization({ ...authorization, maxFee: 1n << 256n })],
    ["deadline", () => encodeClaimAuthorization({ ...authorization, deadline: 1n << 64n })],
  ];
  for (const [field, fn] of cases)
    it(`throws INVALID_ARGUMENT naming ${field}`, () => {
      assert.throws(
        fn,
        (err: unknown) => err instanceof ProtocolError && err.code === "INVALID_ARGUMENT" && err.field === field,
      );
    });
  it("accepts uint64 max and uint256 max", () => {
    encodeViewerTicket({ ...makeTicket(), notAfter: (1n << 64n) - 1n });
    encodeClaimAuthorization({ ...authorization, maxFee: (1n << 256n) - 1n });
  });
});

describe("sign, recover and verify each message", () => {
  it("signViewerTicket matches viem signTypedData and verifies against the ticketSigner", async () => {
    const t = makeTicket();
    const signed = signViewerTicket(t, domain, keys.ticketSigner);
    const viemSig = await privateKeyToAccount(keys.ticketSigner).signTypedData({
      domain: viemDomain,
      types: eip712Types,
      primaryType: "ViewerTicket",
      message: t,
    });
    assert.equal(signed.signature, viemSig);
    assert.equal(recoverViewerTicketSigner(signed, domain), addresses.ticketSigner.toLowerCase());
    assert.ok(verifyViewerTicket(signed, domain, addresses.ticketSigner));
    assert.ok(!verifyViewerTicket(signed, domain, addresses.viewer));
    assert.ok(!verifyViewerTicket(signed, { ...domain, chainId: 1 }, addresses.ticketSigner));
  });
  it("signChunkReceipt in 65- and 64-byte forms both verify against the viewer", () => {
    const r = makeReceipt(makeTicket());
    const s65 = signChunkReceipt(r, domain, keys.viewer);
    const s64 = signChunkReceipt(r, domain, keys.viewer, "64");
    assert.equal((s65.signature.length - 2) / 2, 65);
    assert.equal((s64.signature.length - 2) / 2, 64);
    assert.equal(s64.signature.slice(0, 66), s65.signature.slice(0, 66));
    assert.ok(verifyChunkReceipt(s65, domain, addresses.viewer));
    assert.ok(verifyChunkReceipt(s64, domain, addresses.viewer));
    assert.equal(recoverChunkReceiptSigner(s64, domain), addresses.viewer.toLowerCase());
    assert.ok(!verifyChunkReceipt({ ...s65, receipt: { ...r, size: r.size + 1 } }, domain, addresses.viewer));
  });
  it("signClaimAuthorization verifies against the relay operator", () => {
    const signed = signClaimAuthorization(authorization, domain, keys.relay);
    assert.equal(recoverClaimAuthorizationSigner(signed, domain), addresses.relay.toLowerCase());
    assert.ok(verifyClaimAuthorization(signed, domain, addresses.relay));
    assert.ok(!verifyClaimAuthorization(signed, domain, addresses.other));
  });
  it("verify* return false and recover* throw a SIGNATURE_* ProtocolError for a refused signature", () => {
    const signed = { receipt: makeReceipt(makeTicket()), signature: `0x${"00".repeat(65)}` as Hex };
    assert.equal(verifyChunkReceipt(signed, domain, addresses.viewer), false);
    assert.throws(
      () => recoverChunkReceiptSigner(signed, domain),
      (e: unknown) => e instanceof ProtocolError && e.code === "SIGNATURE_BAD_RS",
    );
  });
});
