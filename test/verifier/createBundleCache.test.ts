// The verifier's bundle cache keeps the bytes as posted (either format, docs/bundle.md) under their hash, and still
// finds the files earlier versions stored as <hash>.ndjson.
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { keccak256 } from "viem";
import { createFastKeccak256 } from "../../src/protocol/hash/createFastKeccak256.ts";
import type { Hex } from "../../src/protocol/types.ts";
import { createBundleCache } from "../../src/verifier/bundle/createBundleCache.ts";
import { writeBundleV2 } from "../protocol/bundle/helpers/writeBundleV2.ts";
import { makeDataDir } from "./helpers/startTestVerifier.ts";

const Z = `0x${"00".repeat(32)}` as const;
const v1 =
  `{"type":"header","format":"meshpay-bundle","version":1,"chainId":1,"distributor":"0x${"11".repeat(20)}",` +
  `"epoch":3,"genesisTime":0,"epochSeconds":60,"graceSeconds":10,"previousBundleHash":"${Z}","snapshotBlock":9,` +
  `"root":"${Z}","poolCount":0,"ticketCount":0,"receiptCount":0,"leafCount":1}\n` +
  `{"type":"leaf","account":"0x${"33".repeat(20)}","poolId":"0x${"44".repeat(32)}","cumulativeAmount":"5",` +
  `"epochBytes":"0","epochAmount":"0","receiptsRoot":"${Z}"}\n{"type":"end","receiptCount":0,"leafCount":1}\n`;

describe("the verifier's bundle cache", () => {
  it("stores a format-2 bundle as <hash>.bundle and reads an earlier <hash>.ndjson, parsing both alike", async () => {
    const dir = makeDataDir();
    const cache = createBundleCache({ dir, keccak: await createFastKeccak256() });
    const legacy = new TextEncoder().encode(v1);
    const legacyHash = keccak256(legacy) as Hex;
    writeFileSync(join(dir, `${legacyHash}.ndjson`), legacy);
    const current = writeBundleV2(cache.parsed(legacyHash)!).bytes;
    const hash = keccak256(current) as Hex;
    assert.equal(cache.has(hash), false);
    cache.put(hash, current);
    assert.ok(existsSync(join(dir, `${hash}.bundle`)));
    assert.deepEqual(cache.get(hash), current);
    assert.deepEqual(cache.get(legacyHash), legacy);
    assert.ok(cache.has(legacyHash));
    assert.deepEqual(cache.parsed(hash), cache.parsed(legacyHash));
    assert.equal(cache.tree(hash)!.root, cache.tree(legacyHash)!.root);
  });
});
