import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { createReceiptVerifier, type ReceiptVerifier } from "../../src/protocol/createReceiptVerifier.ts";
import { ProtocolError } from "../../src/protocol/errors/ProtocolError.ts";
import { createNativeEcdsaBackend } from "../../src/protocol/node/createNativeEcdsaBackend.ts";
import { createNodeReceiptVerifier } from "../../src/protocol/node/createNodeReceiptVerifier.ts";
import { createJsEcdsaBackend } from "../../src/protocol/signature/createJsEcdsaBackend.ts";
import { parseSignature } from "../../src/protocol/signature/parseSignature.ts";
import { publicKeyToAddress } from "../../src/protocol/signature/publicKeyToAddress.ts";
import { recoverAddress } from "../../src/protocol/signature/recoverAddress.ts";
import { serializeSignature } from "../../src/protocol/signature/serializeSignature.ts";
import { signDigest } from "../../src/protocol/signature/signDigest.ts";
import type { Address, Hex } from "../../src/protocol/types.ts";
import { addresses, domain, keys, makeTicket, rng, toHexStr } from "./fixtures.ts";

type Corpus = { digest: Hex; signer: Address; cases: { name: string; signature: string; expect: string }[] };
const corpus: Corpus = JSON.parse(readFileSync(new URL("../vectors/signatures.json", import.meta.url), "utf8"));
const digestBytes = Uint8Array.from(Buffer.from(corpus.digest.slice(2), "hex"));

/** ACCEPT, WRONG_SIGNER or the ProtocolError code. */
function outcome(verifier: ReceiptVerifier, signature: string, expected: Address = corpus.signer): string {
  try {
    return verifier.isSigner(digestBytes, signature as Hex, expected) ? "ACCEPT" : "WRONG_SIGNER";
  } catch (err) {
    if (err instanceof ProtocolError) return err.code;
    throw err;
  }
}

describe("parseSignature follows OpenZeppelin ECDSA.recover", () => {
  const digest = toHexStr(rng(1)(32));
  const sig = signDigest(digest, keys.viewer);
  it("reads 65-byte signatures with v 27/28 and 0/1 the same way", () => {
    const a = parseSignature(sig);
    const v = Number.parseInt(sig.slice(-2), 16);
    const b = parseSignature(`${sig.slice(0, -2)}0${v - 27}` as Hex);
    assert.deepEqual(a, b);
    assert.equal(a.recovery, v - 27);
  });
  it("reads EIP-2098 64-byte signatures into the same r, s, recovery", () => {
    assert.deepEqual(parseSignature(serializeSignature(sig, "64")), parseSignature(sig));
  });
  it("accepts Uint8Array input", () => {
    assert.deepEqual(parseSignature(Uint8Array.from(Buffer.from(sig.slice(2), "hex"))), parseSignature(sig));
  });
  it("refuses non-string non-bytes input as SIGNATURE_MALFORMED", () => {
    assert.throws(
      () => parseSignature(42 as unknown as Hex),
      (e: unknown) => e instanceof ProtocolError && e.code === "SIGNATURE_MALFORMED",
    );
    assert.throws(
      () => parseSignature(new Uint8Array(10)),
      (e: unknown) => e instanceof ProtocolError && e.code === "SIGNATURE_MALFORMED",
    );
  });
});

describe("serializeSignature and signDigest", () => {
  it("round-trips between the 65- and 64-byte forms", () => {
    const r = rng(2);
    for (let i = 0; i < 20; i++) {
      const sig = signDigest(r(32), keys.relay);
      const compact = serializeSignature(sig, "64");
      assert.equal(serializeSignature(compact, "65"), sig);
      assert.equal(signDigest(toHexStr(r(32)), keys.relay, "64").length, 130);
    }
  });
  it("normalises v 0/1 to 27/28", () => {
    const sig = signDigest(new Uint8Array(32).fill(9), keys.viewer);
    const v = Number.parseInt(sig.slice(-2), 16);
    assert.equal(serializeSignature(`${sig.slice(0, -2)}0${v - 27}` as Hex, "65"), sig);
  });
  it("always produces low-s signatures", () => {
    const r = rng(3);
    for (let i = 0; i < 50; i++) {
      const s = BigInt(`0x${signDigest(r(32), keys.other).slice(66, 130)}`);
      assert.ok(s <= secp256k1.Point.CURVE().n / 2n);
    }
  });
});

describe("recoverAddress and publicKeyToAddress", () => {
  it("recover the signing address from a digest", () => {
    const digest = rng(4)(32);
    assert.equal(recoverAddress(digest, signDigest(digest, keys.viewer)), addresses.viewer.toLowerCase());
    assert.equal(
      recoverAddress(toHexStr(digest), signDigest(digest, keys.viewer, "64")),
      addresses.viewer.toLowerCase(),
    );
  });
  it("the native backend recovers the same address", () => {
    const digest = rng(5)(32);
    assert.equal(
      recoverAddress(digest, signDigest(digest, keys.viewer), createNativeEcdsaBackend()),
      addresses.viewer.toLowerCase(),
    );
  });
  it("recoverAddress throws SIGNATURE_UNRECOVERABLE when no key recovers, on both backends", () => {
    const offCurve = corpus.cases.find((c) => c.expect === "SIGNATURE_UNRECOVERABLE")!.signature as Hex;
    for (const backend of [undefined, createNativeEcdsaBackend()])
      assert.throws(
        () => recoverAddress(corpus.digest, offCurve, backend),
        (e: unknown) => e instanceof ProtocolError && e.code === "SIGNATURE_UNRECOVERABLE",
      );
  });
  it("publicKeyToAddress accepts compressed, uncompressed and raw x‖y keys", () => {
    const sk = Uint8Array.from(Buffer.from(keys.viewer.slice(2), "hex"));
    const compressed = secp256k1.getPublicKey(sk, true);
    const uncompressed = secp256k1.getPublicKey(sk, false);
    for (const key of [compressed, uncompressed, uncompressed.subarray(1), toHexStr(compressed)])
      assert.equal(publicKeyToAddress(key), addresses.viewer.toLowerCase());
  });
  it("publicKeyToAddress refuses a point not on the curve", () => {
    assert.throws(
      () => publicKeyToAddress(Uint8Array.of(4, ...new Uint8Array(64).fill(1))),
      (e: unknown) => e instanceof ProtocolError && e.code === "INVALID_ARGUMENT",
    );
  });
});

describe("JS and native paths accept and reject the same signatures", async () => {
  const js = createReceiptVerifier({ domain, backend: createJsEcdsaBackend() });
  const node = await createNodeReceiptVerifier({ domain });
  for (const c of corpus.cases)
    it(`${c.name}: ${c.expect}`, () => {
      const a = outcome(js, c.signature);
      const b = outcome(node, c.signature);
      assert.equal(a, b, "backends disagree");
      if (c.expect === "REJECT") assert.notEqual(a, "ACCEPT");
      else assert.equal(a, c.expect);
    });
  it("a wrong expected key rejects a valid signature on both paths", () => {
    const good = corpus.cases[0]!.signature;
    assert.equal(outcome(js, good, addresses.other), "WRONG_SIGNER");
    assert.equal(outcome(node, good, addresses.other), "WRONG_SIGNER");
  });
  it("random signatures and digests give identical decisions", () => {
    const r = rng(6);
    const fresh = createReceiptVerifier({ domain });
    for (let i = 0; i < 60; i++) {
      const sig = toHexStr(r(65 - (i % 2)));
      const d = r(32);
      const one = (v: ReceiptVerifier) => {
        try {
          return v.recoverSigner(d, sig);
        } catch (e) {
          return (e as ProtocolError).code;
        }
      };
      assert.equal(one(fresh), one(node));
    }
  });
});

describe("ReceiptVerifier caches", () => {
  it("registerPublicKey checks the key hashes to the address, then isSigner compares keys", async () => {
    const v = await createNodeReceiptVerifier({ domain });
    const sk = Uint8Array.from(Buffer.from(keys.viewer.slice(2), "hex"));
    v.registerPublicKey(addresses.viewer, secp256k1.getPublicKey(sk, true));
    const digest = rng(7)(32);
    assert.ok(v.isSigner(digest, signDigest(digest, keys.viewer), addresses.viewer));
    assert.ok(!v.isSigner(digest, signDigest(digest, keys.other), addresses.viewer));
  });
  it("registerPublicKey throws PUBLIC_KEY_MISMATCH for another address's key", () => {
    const v = createReceiptVerifier({ domain });
    const sk = Uint8Array.from(Buffer.from(keys.other.slice(2), "hex"));
    assert.throws(
      () => v.registerPublicKey(addresses.viewer, secp256k1.getPublicKey(sk, false)),
      (e: unknown) => e instanceof ProtocolError && e.code === "PUBLIC_KEY_MISMATCH",
    );
  });
  it("ticketSigner recovers once per (ticket, signature) and survives cache clearing", () => {
    const v = createReceiptVerifier({ domain, cacheSize: 1 });
    const t = makeTicket();
    const digest = v.ticketDigest(t);
    const sig = signDigest(digest, keys.ticketSigner);
    assert.equal(v.ticketSigner(t, sig), addresses.ticketSigner.toLowerCase());
    assert.equal(v.ticketSigner(t, sig), addresses.ticketSigner.toLowerCase());
    const t2 = makeTicket({ maxBytes: 1n });
    assert.equal(v.ticketSigner(t2, signDigest(v.ticketDigest(t2), keys.other)), addresses.other.toLowerCase());
    assert.equal(v.ticketSigner(t, sig), addresses.ticketSigner.toLowerCase());
  });
  it("isSigner refuses a digest that is not 32 bytes", () => {
    const v = createReceiptVerifier({ domain });
    const sig = signDigest(new Uint8Array(32), keys.viewer);
    assert.throws(
      () => v.isSigner(new Uint8Array(31), sig, addresses.viewer),
      (e: unknown) => e instanceof ProtocolError && e.code === "INVALID_ARGUMENT",
    );
  });
});
