import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createPoolRegistry } from "../../../src/aggregator/chain/createPoolRegistry.ts";
import { createManifestIndex } from "../../../src/aggregator/ingest/createManifestIndex.ts";
import { createSegmentManifest } from "../../../src/player/manifest/createSegmentManifest.ts";
import { keccak256 } from "../../../src/protocol/hash/keccak256.ts";
import type { ChunkReceipt, Hex } from "../../../src/protocol/types.ts";
import { bytesToHex } from "../../../src/protocol/utils/bytes.ts";
import { poolId, relayAddress, ticketSignerAddress, ticketSignerKey } from "../../relay-sdk/fixtures.ts";

const otherKey: Hex = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 13) & 0xff);
const pools = createPoolRegistry([
  {
    poolId,
    token: relayAddress,
    owner: relayAddress,
    metadataUri: "",
    unallocated: 0n,
    owed: 0n,
    createdBlock: 1,
    createdAt: 0,
    updatedBlock: 1,
    signers: [{ since: 0, signer: ticketSignerAddress }],
    prices: [{ fromEpoch: 0, pricePerGB: 1n }],
  },
]);

function receipt(chunk: number, piece: Uint8Array, segment = 9n): ChunkReceipt {
  return {
    poolId,
    ticketHash: `0x${"11".repeat(32)}`,
    relay: relayAddress,
    segment,
    chunk,
    chunkHash: bytesToHex(keccak256(piece)),
    size: piece.length,
    deliveredAt: 1n,
  };
}

describe("aggregator content binding", () => {
  it("accepts a receipt whose chunk hash is the manifest's at its position, refuses any other", () => {
    const index = createManifestIndex({ pools, requiredPools: [poolId] });
    const m = createSegmentManifest({ poolId, segment: 9n, uri: "seg00009.ts", bytes, signerKey: ticketSignerKey });
    assert.deepEqual(index.add(m), { poolId, segment: "9", chunks: 2, added: true });
    assert.equal(index.add(m).added, false);
    const first = bytes.subarray(0, 65_536);
    const second = bytes.subarray(65_536);
    assert.equal(index.check(receipt(0, first)), undefined);
    assert.equal(index.check(receipt(1, second)), undefined);
    assert.equal(index.check(receipt(1, first))?.code, "RECEIPT_CHUNK_NOT_IN_MANIFEST");
    const forged = first.slice();
    forged[0]! ^= 1;
    assert.equal(index.check(receipt(0, forged))?.code, "RECEIPT_CHUNK_NOT_IN_MANIFEST");
    assert.equal(index.check(receipt(0, first, 10n))?.code, "RECEIPT_CHUNK_NOT_IN_MANIFEST", "no manifest yet");
    assert.equal(index.check({ ...receipt(0, first), size: 10 })?.code, "RECEIPT_CHUNK_NOT_IN_MANIFEST");
  });

  it("takes manifests only from the pool's ticket signer and only for bound pools; unbound pools are not checked", () => {
    const index = createManifestIndex({ pools, requiredPools: [poolId] });
    const foreign = createSegmentManifest({ poolId, segment: 9n, uri: "seg00009.ts", bytes, signerKey: otherKey });
    assert.throws(() => index.add(foreign), { code: "MANIFEST_BAD_SIGNER" });
    const other = `0x${"b2".repeat(32)}` as Hex;
    assert.throws(
      () =>
        index.add(
          createSegmentManifest({ poolId: other, segment: 1n, uri: "a.ts", bytes, signerKey: ticketSignerKey }),
        ),
      { code: "MANIFEST_POOL_NOT_BOUND" },
    );
    assert.throws(() => index.add({ nope: true }), { code: "MANIFEST_INVALID" });
    assert.equal(index.check({ ...receipt(0, bytes), poolId: other }), undefined);
  });
});
