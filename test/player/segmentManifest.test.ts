import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PLAYER_CHUNK_BYTES } from "../../src/player/constants.ts";
import { createSegmentManifest } from "../../src/player/manifest/createSegmentManifest.ts";
import { verifySegmentManifest } from "../../src/player/manifest/verifySegmentManifest.ts";
import { splitIntoChunks } from "../../src/player/receipts/splitIntoChunks.ts";
import { poolId, ticketSignerAddress, ticketSignerKey } from "../relay-sdk/fixtures.ts";

const bytes = Uint8Array.from({ length: 2 * PLAYER_CHUNK_BYTES + 1234 }, (_, i) => (i * 31) & 0xff);

describe("segment pieces and the broadcaster's signed manifest", () => {
  it("cuts a segment into fixed-size pieces from its first byte, the last one shorter", () => {
    const pieces = splitIntoChunks(bytes, PLAYER_CHUNK_BYTES);
    assert.deepEqual(
      pieces.map((p) => p.length),
      [PLAYER_CHUNK_BYTES, PLAYER_CHUNK_BYTES, 1234],
    );
    assert.equal(pieces[2]![0], bytes[2 * PLAYER_CHUNK_BYTES]);
    assert.deepEqual(splitIntoChunks(new Uint8Array(0), 10), []);
    assert.throws(() => splitIntoChunks(bytes, 0), { code: "INVALID_ARGUMENT" });
  });

  it("a manifest signed by the ticket signer verifies, names its signer and survives the JSON wire", () => {
    const json = createSegmentManifest({ poolId, segment: 42n, uri: "seg00042.ts", bytes, signerKey: ticketSignerKey });
    const { manifest, signer } = verifySegmentManifest(JSON.parse(JSON.stringify(json)));
    assert.equal(signer, ticketSignerAddress);
    assert.equal(manifest.segment, 42n);
    assert.equal(manifest.chunkHashes.length, 3);
  });

  it("a manifest altered after signing names another signer; a malformed one is refused", () => {
    const json = createSegmentManifest({ poolId, segment: 42n, uri: "seg00042.ts", bytes, signerKey: ticketSignerKey });
    const swapped = structuredClone(json);
    swapped.manifest.chunkHashes[1] = `0x${"00".repeat(32)}`;
    assert.notEqual(verifySegmentManifest(swapped).signer, ticketSignerAddress);
    assert.throws(() => verifySegmentManifest({ ...json, manifest: { ...json.manifest, segment: "-1" } }), {
      code: "MANIFEST_INVALID",
    });
    assert.throws(() => verifySegmentManifest({ manifest: json.manifest, signature: "0x12" }), {
      code: "MANIFEST_INVALID",
    });
  });
});
