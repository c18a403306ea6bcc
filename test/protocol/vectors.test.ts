// Checks the library reproduces every value in test/vectors/*.json (generated from viem and
// @openzeppelin/merkle-tree by scripts/vectors/generateProtocolVectors.ts).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as constants from "../../src/protocol/constants.ts";
import { createReceiptVerifier } from "../../src/protocol/createReceiptVerifier.ts";
import { getClaimAuthorizationDigest } from "../../src/protocol/eip712/getClaimAuthorizationDigest.ts";
import { getDomainSeparator } from "../../src/protocol/eip712/getDomainSeparator.ts";
import { getReceiptId } from "../../src/protocol/eip712/getReceiptId.ts";
import { getViewerTicketDigest } from "../../src/protocol/eip712/getViewerTicketDigest.ts";
import { hashChunkReceipt } from "../../src/protocol/eip712/hashChunkReceipt.ts";
import { hashClaimAuthorization } from "../../src/protocol/eip712/hashClaimAuthorization.ts";
import { hashViewerTicket } from "../../src/protocol/eip712/hashViewerTicket.ts";
import { getEpoch } from "../../src/protocol/epoch/getEpoch.ts";
import { getEpochClosesAt } from "../../src/protocol/epoch/getEpochClosesAt.ts";
import { getEpochEnd } from "../../src/protocol/epoch/getEpochEnd.ts";
import { getEpochStart } from "../../src/protocol/epoch/getEpochStart.ts";
import { ProtocolError } from "../../src/protocol/errors/ProtocolError.ts";
import { keccak256 } from "../../src/protocol/hash/keccak256.ts";
import { signChunkReceipt } from "../../src/protocol/messages/signChunkReceipt.ts";
import { signClaimAuthorization } from "../../src/protocol/messages/signClaimAuthorization.ts";
import { signViewerTicket } from "../../src/protocol/messages/signViewerTicket.ts";
import { verifyChunkReceipt } from "../../src/protocol/messages/verifyChunkReceipt.ts";
import { verifyClaimAuthorization } from "../../src/protocol/messages/verifyClaimAuthorization.ts";
import { verifyViewerTicket } from "../../src/protocol/messages/verifyViewerTicket.ts";
import { computeEpochRewards } from "../../src/protocol/rewards/computeEpochRewards.ts";
import { buildMerkleTree } from "../../src/protocol/tree/buildMerkleTree.ts";
import { buildReceiptsTree } from "../../src/protocol/tree/buildReceiptsTree.ts";
import { buildRewardTree } from "../../src/protocol/tree/buildRewardTree.ts";
import { getReceiptsRoot } from "../../src/protocol/tree/getReceiptsRoot.ts";
import { hashRewardLeaf } from "../../src/protocol/tree/hashRewardLeaf.ts";
import type { Hex, RewardLeaf } from "../../src/protocol/types.ts";
import { chunkReceiptFromJson } from "../../src/protocol/wire/chunkReceiptFromJson.ts";
import { claimAuthorizationFromJson } from "../../src/protocol/wire/claimAuthorizationFromJson.ts";
import { decodeReceiptBatch } from "../../src/protocol/wire/decodeReceiptBatch.ts";
import { encodeReceiptBatch } from "../../src/protocol/wire/encodeReceiptBatch.ts";
import { signedChunkReceiptFromJson } from "../../src/protocol/wire/signedChunkReceiptFromJson.ts";
import { signedChunkReceiptToJson } from "../../src/protocol/wire/signedChunkReceiptToJson.ts";
import { signedClaimAuthorizationFromJson } from "../../src/protocol/wire/signedClaimAuthorizationFromJson.ts";
import { signedViewerTicketFromJson } from "../../src/protocol/wire/signedViewerTicketFromJson.ts";
import { viewerTicketFromJson } from "../../src/protocol/wire/viewerTicketFromJson.ts";

type Any = any;
const load = (name: string): Any => JSON.parse(readFileSync(new URL(`../vectors/${name}`, import.meta.url), "utf8"));
const eip = load("eip712.json");
const rewards = load("rewards.json");
const wire = load("wire.json");
const domain = { chainId: eip.domain.chainId as number, verifyingContract: eip.domain.verifyingContract as Hex };
const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}`;
const bytes = (h: string) => Uint8Array.from(Buffer.from(h.slice(2), "hex"));
const leafOf = (l: Any): RewardLeaf => ({
  account: l.account,
  poolId: l.poolId,
  cumulativeAmount: BigInt(l.cumulativeAmount),
  epochBytes: BigInt(l.epochBytes),
  epochAmount: BigInt(l.epochAmount),
  receiptsRoot: l.receiptsRoot,
});
const stringify = (v: unknown) => JSON.parse(JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x)));

describe("EIP-712 vectors", () => {
  it("type strings, typehashes and the domain separator", () => {
    assert.equal(constants.EIP712_DOMAIN_TYPE, eip.typeStrings.EIP712Domain);
    assert.equal(constants.VIEWER_TICKET_TYPE, eip.typeStrings.ViewerTicket);
    assert.equal(constants.CHUNK_RECEIPT_TYPE, eip.typeStrings.ChunkReceipt);
    assert.equal(constants.CLAIM_AUTHORIZATION_TYPE, eip.typeStrings.ClaimAuthorization);
    assert.equal(constants.EIP712_DOMAIN_TYPEHASH, eip.typehashes.EIP712Domain);
    assert.equal(constants.VIEWER_TICKET_TYPEHASH, eip.typehashes.ViewerTicket);
    assert.equal(constants.CHUNK_RECEIPT_TYPEHASH, eip.typehashes.ChunkReceipt);
    assert.equal(constants.CLAIM_AUTHORIZATION_TYPEHASH, eip.typehashes.ClaimAuthorization);
    assert.equal(getDomainSeparator(domain), eip.domainSeparator);
    assert.equal(eip.domain.name, constants.DOMAIN_NAME);
    assert.equal(eip.domain.version, constants.DOMAIN_VERSION);
  });
  it("tickets: ticketHash, digest, both signatures", () => {
    for (const v of eip.tickets) {
      const t = viewerTicketFromJson(v.message);
      assert.equal(hashViewerTicket(t), v.structHash);
      assert.equal(getViewerTicketDigest(t, domain), v.digest);
      assert.equal(signViewerTicket(t, domain, eip.keys.ticketSigner.privateKey).signature, v.signature65);
      assert.equal(signViewerTicket(t, domain, eip.keys.ticketSigner.privateKey, "64").signature, v.signature64);
      assert.ok(verifyViewerTicket({ ticket: t, signature: v.signature64 }, domain, v.signer));
    }
  });
  it("receipts: chunkHash, struct hash, receiptId, both signatures, through both verifiers", () => {
    const verifier = createReceiptVerifier({ domain });
    for (const v of eip.receipts) {
      const r = chunkReceiptFromJson(v.message);
      assert.equal(hex(keccak256(bytes(v.chunkBytes))), r.chunkHash);
      assert.equal(hashChunkReceipt(r), v.structHash);
      assert.equal(getReceiptId(r, domain), v.digest);
      assert.equal(hex(verifier.receiptDigest(r)), v.digest);
      assert.equal(signChunkReceipt(r, domain, eip.keys.viewer.privateKey).signature, v.signature65);
      assert.equal(signChunkReceipt(r, domain, eip.keys.viewer.privateKey, "64").signature, v.signature64);
      assert.ok(verifyChunkReceipt({ receipt: r, signature: v.signature64 }, domain, v.signer));
      assert.ok(verifier.isSigner(bytes(v.digest), v.signature65, v.signer));
    }
  });
  it("claim authorizations: struct hash, digest, both signatures", () => {
    for (const v of eip.claimAuthorizations) {
      const a = claimAuthorizationFromJson(v.message);
      const key = Object.values(eip.keys as Record<string, { privateKey: Hex; address: string }>).find(
        (k) => k.address === v.signer,
      )!.privateKey;
      assert.equal(hashClaimAuthorization(a), v.structHash);
      assert.equal(getClaimAuthorizationDigest(a, domain), v.digest);
      assert.equal(signClaimAuthorization(a, domain, key).signature, v.signature65);
      assert.equal(signClaimAuthorization(a, domain, key, "64").signature, v.signature64);
      assert.ok(verifyClaimAuthorization({ authorization: a, signature: v.signature65 }, domain, v.signer));
    }
  });
  it("epochs", () => {
    const p = {
      genesisTime: BigInt(eip.epochParams.genesisTime),
      epochSeconds: BigInt(eip.epochParams.epochSeconds),
      graceSeconds: BigInt(eip.epochParams.graceSeconds),
    };
    for (const v of eip.epochs) {
      const e = getEpoch(p, BigInt(v.deliveredAt));
      assert.equal(e.toString(), v.epoch);
      assert.equal(getEpochStart(p, e).toString(), v.start);
      assert.equal(getEpochEnd(p, e).toString(), v.end);
      assert.equal(getEpochClosesAt(p, e).toString(), v.closesAt);
    }
  });
});

describe("reward and tree vectors", () => {
  it("computeEpochRewards reproduces leaves and pool totals", () => {
    const out = computeEpochRewards({
      pools: rewards.pools.map((p: Any) => ({
        poolId: p.poolId,
        pricePerGB: BigInt(p.pricePerGB),
        balance: BigInt(p.balance),
      })),
      credits: rewards.credits.map((c: Any) => ({ ...c, bytes: BigInt(c.bytes) })),
      previous: rewards.previous.map(leafOf),
    });
    assert.deepEqual(stringify(out.leaves), rewards.leaves);
    assert.deepEqual(stringify(out.poolTotals), rewards.poolTotals);
  });
  it("the epoch reward tree: root, leaf hashes and proofs", () => {
    const leaves = rewards.leaves.map(leafOf);
    const tree = buildRewardTree(leaves);
    assert.equal(tree.root, rewards.rewardTree.root);
    leaves.forEach((l: RewardLeaf, i: number) => {
      assert.equal(hashRewardLeaf(l), rewards.rewardTree.leafHashes[i]);
      assert.deepEqual(tree.getProof(i), rewards.rewardTree.proofs[i]);
    });
  });
  it("reward trees of 1 to 17 leaves", () => {
    for (const v of rewards.rewardTrees) {
      const leaves = v.values.map((x: Any) =>
        leafOf({
          account: x[0],
          poolId: x[1],
          cumulativeAmount: x[2],
          epochBytes: x[3],
          epochAmount: x[4],
          receiptsRoot: x[5],
        }),
      );
      const tree = buildRewardTree(leaves);
      assert.equal(tree.root, v.root);
      v.proofs.forEach((p: Hex[], i: number) => assert.deepEqual(tree.getProof(i), p));
      const again = buildMerkleTree(Uint8Array.from(v.leafHashes.flatMap((h: string) => [...bytes(h)])));
      assert.equal(again.root, v.root);
    }
  });
  it("receipts trees and the empty receiptsRoot", () => {
    for (const v of rewards.receiptsTrees) {
      const tree = buildReceiptsTree(v.receiptIds);
      assert.equal(tree.root, v.root);
      v.receiptIds.forEach((_: Hex, i: number) => {
        assert.equal(tree.leafHash(i), v.leafHashes[i]);
        assert.deepEqual(tree.getProof(i), v.proofs[i]);
      });
    }
    assert.equal(getReceiptsRoot([]), rewards.emptyReceiptsRoot);
  });
});

describe("wire vectors", () => {
  it("JSON items decode, and the receipt re-encodes to the same JSON", () => {
    signedViewerTicketFromJson(wire.json.signedTicket);
    signedClaimAuthorizationFromJson(wire.json.signedClaimAuthorization);
    assert.deepEqual(
      signedChunkReceiptToJson(signedChunkReceiptFromJson(wire.json.signedReceipt)),
      wire.json.signedReceipt,
    );
  });
  for (const c of wire.json.invalidSignedReceipts)
    it(`JSON: ${c.name} → WIRE_INVALID_FIELD at ${c.field}`, () => {
      assert.throws(
        () => signedChunkReceiptFromJson(c.value),
        (e: unknown) => e instanceof ProtocolError && e.code === "WIRE_INVALID_FIELD" && e.field === c.field,
      );
    });
  it("the binary batch decodes to the listed items and re-encodes byte for byte", () => {
    const decoded = decodeReceiptBatch(bytes(wire.binary.batch.hex));
    assert.deepEqual(stringify(decoded.tickets), wire.binary.batch.tickets);
    assert.deepEqual(stringify(decoded.receipts), wire.binary.batch.receipts);
    assert.equal(hex(encodeReceiptBatch(decoded.receipts, decoded.tickets)), wire.binary.batch.hex);
    assert.equal(decodeReceiptBatch(bytes(wire.binary.receiptsOnly.hex)).receipts.length, 1);
  });
  for (const c of wire.binary.invalid)
    it(`binary: ${c.name} → ${c.code}`, () => {
      assert.throws(
        () => decodeReceiptBatch(bytes(c.hex)),
        (e: unknown) => e instanceof ProtocolError && e.code === c.code,
      );
    });
});
