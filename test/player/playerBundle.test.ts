import assert from "node:assert/strict";
import { readdirSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { describe, it } from "node:test";
import { build, type Plugin } from "esbuild";

const playerDir = join(import.meta.dirname, "../../src/player");
const builtins = new Set(builtinModules);
const refuseNodeOnly: Plugin = {
  name: "refuse-node-only",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      const bare = args.path.split("/")[0]!;
      if (args.path.startsWith("node:") || builtins.has(args.path) || bare === "better-sqlite3" || bare === "secp256k1")
        return { errors: [{ text: `Node-only import "${args.path}" from ${args.importer}` }] };
      return undefined;
    });
  },
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

describe("the player plugin in the browser", () => {
  it("every module of src/player bundles for the browser (ES module) with no Node-only import", async () => {
    const entries = files(playerDir);
    assert.ok(entries.some((e) => e.endsWith("createMeshpayPlayer.ts")));
    const result = await build({
      entryPoints: entries,
      bundle: true,
      write: false,
      outdir: "/tmp/meshpay-player-check",
      platform: "browser",
      format: "esm",
      conditions: ["p2pml:core-as-bundle"],
      logLevel: "silent",
      metafile: true,
      plugins: [refuseNodeOnly],
    });
    const inputs = Object.keys(result.metafile!.inputs);
    assert.ok(inputs.some((i) => i.includes("p2p-media-loader-core")));
    assert.ok(inputs.some((i) => i.includes("hls.js")));
    for (const input of inputs) assert.ok(!input.startsWith("node:"), input);
  });
});
