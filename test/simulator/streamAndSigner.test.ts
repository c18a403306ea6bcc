import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createFastKeccak256 } from "../../src/protocol/hash/createFastKeccak256.ts";
import { signViewerTicket } from "../../src/protocol/messages/signViewerTicket.ts";
import { createReceiver } from "../../src/relay-sdk/receiver/createReceiver.ts";
import { createViewerSessionKey } from "../../src/relay-sdk/receiver/createViewerSessionKey.ts";
import { createNativeReceiptSigner } from "../../src/simulator/createNativeReceiptSigner.ts";
import { createRandom } from "../../src/simulator/createRandom.ts";
import { fillChunkBytes } from "../../src/simulator/fillChunkBytes.ts";
import { getStreamLayout } from "../../src/simulator/getStreamLayout.ts";
import { domain, poolId, ticketSignerKey } from "./fixtures.ts";

describe("stream layout", () => {
  it("cuts each segment into chunks whose sizes add up to bitrate × duration / 8, spread over the segment", () => {
    const layout = getStreamLayout({ bitrateKbps: 1000, chunkBytes: 65_536, segmentSeconds: 2 });
    assert.equal(layout.segmentBytes, 250_000);
    assert.equal(layout.chunksPerSegment, 4);
    assert.deepEqual([0, 1, 2, 3].map(layout.chunkSize), [65_536, 65_536, 65_536, 250_000 - 3 * 65_536]);
    assert.deepEqual([0, 1, 2, 3].map(layout.chunkOffsetMs), [0, 500, 1000, 1500]);
    assert.deepEqual(layout.slotAtOrAfter(10_000_001), { segment: 5000, chunk: 1, at: 10_000_500 });
    assert.deepEqual(layout.slotAtOrAfter(10_001_600), { segment: 5001, chunk: 0, at: 10_002_000 });
    assert.deepEqual(layout.nextSlot(7, 3), { segment: 8, chunk: 0, at: 16_000 });
  });

  it("refuses a stream with more than one chunk per millisecond or no bytes", () => {
    assert.throws(() => getStreamLayout({ bitrateKbps: 100_000, chunkBytes: 1, segmentSeconds: 1 }), {
      code: "INVALID_OPTION",
    });
    assert.throws(() => getStreamLayout({ bitrateKbps: 0.001, chunkBytes: 10, segmentSeconds: 1 }), {
      code: "INVALID_OPTION",
    });
  });

  it("gives every viewer the same deterministic bytes for a chunk, different for another chunk", () => {
    const a = fillChunkBytes(new Uint8Array(1001), 7, 100, 2);
    assert.deepEqual(fillChunkBytes(new Uint8Array(1001), 7, 100, 2), a);
    assert.notDeepEqual(fillChunkBytes(new Uint8Array(1001), 7, 100, 3), a);
    assert.notDeepEqual(fillChunkBytes(new Uint8Array(1001), 8, 100, 2), a);
    assert.ok(new Set(a).size > 200, "content looks random");
  });

  it("seeded random streams repeat for the same seed and label and differ otherwise", () => {
    const draw = (seed: number | string, label: string) =>
      Array.from({ length: 5 }, createRandom(seed).fork(label).next);
    assert.deepEqual(draw(1, "x"), draw(1, "x"));
    assert.notDeepEqual(draw(1, "x"), draw(2, "x"));
    assert.notDeepEqual(draw(1, "x"), draw(1, "y"));
  });
});

describe("native receipt signer", () => {
  it("signs exactly the receipt the receiver SDK signs for the same chunk, key and time", async () => {
    const keccak = await createFastKeccak256();
    const native = createNativeReceiptSigner({ domain, keccak });
    for (let i = 0; i < 20; i++) {
      const key = createViewerSessionKey();
      const ticket = signViewerTicket(
        {
          poolId,
          streamId: `0x${"0".repeat(63)}1`,
          viewer: key.address,
          notBefore: 0n,
          notAfter: 10n ** 13n,
          maxBytes: 10n ** 9n,
        },
        domain,
        ticketSignerKey,
      );
      const bytes = fillChunkBytes(new Uint8Array(4096 + i), i, 1000 + i, i);
      const viaReceiver = createReceiver({
        domain,
        ticket,
        sessionKey: key,
        now: () => 1_767_225_600_000 + i,
      }).signChunk({
        bytes,
        relay: "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
        segment: 1000 + i,
        chunk: i,
      });
      const viaNative = native.sign(viaReceiver.signed.receipt, key.privateKey);
      assert.equal(viaNative.receiptId, viaReceiver.receiptId);
      assert.equal(viaNative.signed.signature, viaReceiver.signed.signature);
    }
  });
});
