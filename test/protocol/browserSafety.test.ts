import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { build } from "esbuild";

const root = join(import.meta.dirname, "../../src/protocol");
const clientRoot = join(import.meta.dirname, "../../src/client");
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );

describe("browser path import graph", () => {
  it("everything outside src/protocol/node bundles for the browser with no Node built-ins or native secp256k1", async () => {
    const entries = files(root).filter((f) => f.endsWith(".ts") && !relative(root, f).startsWith("node/"));
    // The epoch bundle (writer, parser, leaf codec), the audit, the sum trees, and the v2 commitments
    // are part of the browser path.
    for (const folder of ["bundle/", "audit/", "sumtree/", "commitments/", "fraud/"])
      assert.ok(
        entries.some((f) => relative(root, f).startsWith(folder)),
        `${folder} is checked`,
      );
    const result = await build({
      entryPoints: entries,
      bundle: true,
      write: false,
      platform: "browser",
      format: "esm",
      outdir: "/tmp/meshpay-browser-check",
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs);
    assert.ok(inputs.some((i) => i.includes("@noble/curves")));
    for (const input of inputs) {
      assert.ok(!input.startsWith("node:"), input);
      assert.ok(!/node_modules\/secp256k1\//.test(input), input);
    }
  });

  it("the typed HTTP client (src/client) bundles for the browser with no Node built-ins", async () => {
    const entries = files(clientRoot).filter((f) => f.endsWith(".ts"));
    for (const name of [
      "createAggregatorClient.ts",
      "createVerifierClient.ts",
      "getAccountRewards.ts",
      "postReceipts.ts",
    ])
      assert.ok(
        entries.some((f) => f.endsWith(`/${name}`)),
        `${name} is checked`,
      );
    const result = await build({
      entryPoints: entries,
      bundle: true,
      write: false,
      platform: "browser",
      format: "esm",
      outdir: "/tmp/meshpay-browser-check-client",
      metafile: true,
      logLevel: "silent",
    });
    for (const input of Object.keys(result.metafile.inputs)) {
      assert.ok(!input.startsWith("node:"), input);
      assert.ok(!/node_modules\/secp256k1\//.test(input), input);
    }
  });
});
