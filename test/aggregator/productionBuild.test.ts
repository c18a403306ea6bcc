import assert from "node:assert/strict";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import { build } from "esbuild";
import { crashPoints } from "../../scripts/faults/crashPoints.ts";
import { faultKinds } from "../../scripts/faults/faultKinds.ts";
import { FORGER_KEY } from "../../scripts/faults/faultTampers.ts";

const root = resolve(import.meta.dirname, "../..");

/** Bundles `entries` as esbuild would for a deployment (npm packages left out) and returns the code and inputs. */
async function bundle(entries: string[]): Promise<{ code: string; inputs: string[] }> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: entries,
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    outdir: "out",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  return {
    code: result.outputFiles.map((f) => f.text).join("\n"),
    inputs: Object.keys(result.metafile.inputs),
  };
}

/**
 * Every trace of fault injection a production build must not hold. A crash hook kills its own process; SIGKILL as
 * such is not a trace (the --workers supervisor kills a worker that ignores SIGTERM).
 */
const faultTraces = [
  ...faultKinds,
  FORGER_KEY.slice(2),
  "crashAt",
  ...Object.keys(crashPoints),
  "process.kill(process.pid",
];

const found = (code: string) => faultTraces.filter((t) => code.toLowerCase().includes(t.toLowerCase()));

describe("production build path", () => {
  it("the aggregator (with its epoch-close worker), the verifier and the CLI hold no fault kind, forger key or crash hook", async () => {
    const { code, inputs } = await bundle([
      "src/aggregator/main.ts",
      "src/aggregator/epoch/prepareEpochWorker.ts",
      "src/verifier/main.ts",
      "src/cli/main.ts",
    ]);
    assert.ok(inputs.includes("src/aggregator/posting/createPoster.ts"), "the bundle holds the poster");
    assert.ok(inputs.includes("src/aggregator/epoch/prepareEpoch.ts"), "the bundle holds the epoch close");
    assert.deepEqual(
      inputs.filter((i) => !i.startsWith("src/")),
      [],
      "only src/ modules",
    );
    assert.deepEqual(found(code), []);
  });

  it("the faulty test entry point holds every one of them (so the search above can fail)", async () => {
    const { code } = await bundle(["scripts/faults/faultyAggregatorMain.ts", "scripts/faults/createEpochTamper.ts"]);
    assert.deepEqual(found(code), faultTraces);
  });
});
