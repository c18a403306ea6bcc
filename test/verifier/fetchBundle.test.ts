import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { fetchBundle } from "../../src/verifier/bundle/fetchBundle.ts";
import { startBundleServer } from "./helpers/bundleServer.ts";
import { makeDataDir } from "./helpers/startTestVerifier.ts";

describe("fetchBundle", () => {
  it("downloads over HTTP and reads file: URIs", async () => {
    const server = await startBundleServer();
    try {
      const bytes = new TextEncoder().encode("hello\n");
      assert.deepEqual(await fetchBundle(server.put("/b", bytes)), bytes);
      const path = join(makeDataDir(), "b.ndjson");
      writeFileSync(path, bytes);
      assert.deepEqual(await fetchBundle(pathToFileURL(path).href), bytes);
      await assert.rejects(fetchBundle(pathToFileURL(path).href, { allowFile: false }), { code: "BUNDLE_UNAVAILABLE" });
    } finally {
      await server.close();
    }
  });

  it("reports BUNDLE_UNAVAILABLE for a 404, a dead server, an unknown scheme and a body over the limit", async () => {
    const server = await startBundleServer();
    try {
      await assert.rejects(
        fetchBundle(server.urlOf("/missing")),
        (err: { code: string; data: { reason: string } }) =>
          err.code === "BUNDLE_UNAVAILABLE" && /HTTP 404/.test(err.data.reason),
      );
      await assert.rejects(
        fetchBundle(server.put("/big", new Uint8Array(5000)), { maxBytes: 1000 }),
        (err: { data: { reason: string } }) => /over the 1000-byte limit/.test(err.data.reason),
      );
      await assert.rejects(fetchBundle("ipfs://bafy"), { code: "BUNDLE_UNAVAILABLE" });
    } finally {
      await server.close();
    }
    await assert.rejects(fetchBundle("http://127.0.0.1:1/x", { timeoutMs: 2000 }), { code: "BUNDLE_UNAVAILABLE" });
  });
});
