import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PLAYER_CHUNK_BYTES } from "../../src/player/constants.ts";
import { createSegmentManifest } from "../../src/player/manifest/createSegmentManifest.ts";
import { verifySegmentManifest } from "../../src/player/manifest/verifySegmentManifest.ts";
import type { PendingReceipt } from "../../src/player/outbox/OutboxStore.ts";
import { createP2PReceipter } from "../../src/player/receipts/createP2PReceipter.ts";
import { keccak256 } from "../../src/protocol/hash/keccak256.ts";
import { recoverChunkReceiptSigner } from "../../src/protocol/messages/recoverChunkReceiptSigner.ts";
import type { Address } from "../../src/protocol/types.ts";
import { bytesToHex } from "../../src/protocol/utils/bytes.ts";
import { signedChunkReceiptFromJson } from "../../src/protocol/wire/signedChunkReceiptFromJson.ts";
import { domain, makeSession, poolId, ticketSignerKey } from "../relay-sdk/fixtures.ts";

const payoutA: Address = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const url = "http://origin/live/seg00007.ts";
const segmentBytes = Uint8Array.from({ length: 2 * PLAYER_CHUNK_BYTES + 500 }, (_, i) => (i * 7 + 3) & 0xff);

function setup(options: { binding?: boolean } = {}) {
  const session = makeSession();
  const delivered: PendingReceipt[] = [];
  const manifest = verifySegmentManifest(
    createSegmentManifest({ poolId, segment: 7n, uri: "seg00007.ts", bytes: segmentBytes, signerKey: ticketSignerKey }),
  ).manifest;
  const receipter = createP2PReceipter({
    receiver: session.receiver,
    resolvePayout: async (peerId) => (peerId === "MPpeerA" ? payoutA : undefined),
    deliver: async (items) => {
      delivered.push(...items);
    },
    ...(options.binding ? { getManifest: async (u: string) => (u === url ? manifest : undefined) } : {}),
  });
  return { session, receipter, delivered };
}

/** What p2p-media-loader does for one segment from a peer: start, data messages, validation, loaded. */
async function deliverFromPeer(
  r: ReturnType<typeof setup>["receipter"],
  peerId: string,
  bytes: Uint8Array,
  options: { sentByPeer?: number } = {},
) {
  r.segmentStarted(url, 7, "p2p", peerId);
  r.chunkDownloaded(options.sentByPeer ?? bytes.length, "p2p", peerId);
  const ok = await r.validate(url, bytes.slice().buffer);
  if (!ok) return { ok, receipts: [] };
  return {
    ok,
    receipts: await r.segmentLoaded({ segmentUrl: url, bytesLength: bytes.length, downloadSource: "p2p", peerId }),
  };
}

describe("receipts for peer-delivered segments", () => {
  it("signs one receipt per fixed-size piece for the sending peer's payout account", async () => {
    const { session, receipter, delivered } = setup();
    const { receipts } = await deliverFromPeer(receipter, "MPpeerA", segmentBytes);
    assert.equal(receipts.length, 3);
    assert.deepEqual(delivered, receipts);
    receipts.forEach((p, chunk) => {
      const signed = signedChunkReceiptFromJson(p.receipt);
      const piece = segmentBytes.subarray(chunk * PLAYER_CHUNK_BYTES, (chunk + 1) * PLAYER_CHUNK_BYTES);
      assert.equal(signed.receipt.relay, payoutA);
      assert.equal(signed.receipt.segment, 7n);
      assert.equal(signed.receipt.chunk, chunk);
      assert.equal(signed.receipt.size, piece.length);
      assert.equal(signed.receipt.chunkHash, bytesToHex(keccak256(piece)));
      assert.equal(recoverChunkReceiptSigner(signed, domain), session.key.address);
    });
    const s = receipter.stats();
    assert.equal(s.signedBytes, segmentBytes.length);
    assert.equal(s.signedBytesByRelay[payoutA], segmentBytes.length);
    assert.equal(s.p2pBytes, segmentBytes.length);
  });

  it("signs nothing for a peer without a valid card, and counts its bytes as unpaid", async () => {
    const { receipter, delivered } = setup();
    const { receipts } = await deliverFromPeer(receipter, "MPliar", segmentBytes);
    assert.deepEqual(receipts, []);
    assert.deepEqual(delivered, []);
    assert.equal(receipter.stats().unpaidByPeer.MPliar, segmentBytes.length);
    assert.equal(receipter.stats().unpaidByReason["no-card"], segmentBytes.length);
  });

  it("credits a peer only for the pieces it was seen sending (counted from the segment's end)", async () => {
    const { receipter } = setup();
    const { receipts } = await deliverFromPeer(receipter, "MPpeerA", segmentBytes, {
      sentByPeer: PLAYER_CHUNK_BYTES + 500,
    });
    assert.deepEqual(
      receipts.map((r) => r.receipt.receipt.chunk),
      [1, 2],
    );
    assert.equal(receipter.stats().unpaidByReason.partial, PLAYER_CHUNK_BYTES);
  });

  it("a download that another peer started and this one finished pays this one only for its part", async () => {
    const { receipter } = setup();
    receipter.segmentStarted(url, 7, "p2p", "MPother");
    receipter.chunkDownloaded(PLAYER_CHUNK_BYTES, "p2p", "MPother");
    receipter.segmentFailed(url, "p2p", "MPother");
    receipter.segmentStarted(url, 7, "p2p", "MPpeerA");
    receipter.chunkDownloaded(PLAYER_CHUNK_BYTES + 500, "p2p", "MPpeerA");
    assert.equal(await receipter.validate(url, segmentBytes.slice().buffer), true);
    const receipts = await receipter.segmentLoaded({
      segmentUrl: url,
      bytesLength: segmentBytes.length,
      downloadSource: "p2p",
      peerId: "MPpeerA",
    });
    assert.deepEqual(
      receipts.map((r) => r.receipt.receipt.chunk),
      [1, 2],
    );
  });

  it("HTTP segments and failed peer downloads produce no receipt", async () => {
    const { receipter } = setup();
    receipter.segmentStarted(url, 7, "http");
    receipter.chunkDownloaded(segmentBytes.length, "http");
    assert.deepEqual(
      await receipter.segmentLoaded({
        segmentUrl: url,
        bytesLength: segmentBytes.length,
        downloadSource: "http",
        peerId: undefined,
      }),
      [],
    );
    receipter.segmentStarted(url, 7, "p2p", "MPpeerA");
    receipter.chunkDownloaded(1000, "p2p", "MPpeerA");
    receipter.segmentFailed(url, "p2p", "MPpeerA");
    const s = receipter.stats();
    assert.equal(s.httpBytes, segmentBytes.length);
    assert.equal(s.signedReceipts, 0);
  });

  it("content binding: corrupted bytes are refused and signed for by nobody; matching bytes are signed", async () => {
    const { receipter, delivered } = setup({ binding: true });
    const corrupted = segmentBytes.slice();
    corrupted[corrupted.length - 1]! ^= 1;
    const bad = await deliverFromPeer(receipter, "MPpeerA", corrupted);
    assert.equal(bad.ok, false, "validateP2PSegment refuses it, so p2p-media-loader refetches the segment");
    assert.deepEqual(delivered, []);
    assert.equal(receipter.stats().corruptByPeer.MPpeerA, 1);
    const good = await deliverFromPeer(receipter, "MPpeerA", segmentBytes);
    assert.equal(good.ok, true);
    assert.equal(good.receipts.length, 3);
  });

  it("content binding: a segment without a manifest is refused from peers", async () => {
    const { receipter } = setup({ binding: true });
    receipter.segmentStarted("http://origin/live/seg00008.ts", 8, "p2p", "MPpeerA");
    assert.equal(await receipter.validate("http://origin/live/seg00008.ts", segmentBytes.slice().buffer), false);
    assert.equal(receipter.stats().unverifiableSegments, 1);
  });
});
