import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { makeWorkDir } from "../helpers/aggregatorProcess.ts";

const root = resolve(import.meta.dirname, "../../..");
const nodeBin = resolve(root, "node_modules/.bin/node");

/** Runs main.ts to its exit with `args`; resolves with its exit code and stderr. */
function runMain(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(nodeBin, [resolve(root, "src/aggregator/main.ts"), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += String(d)));
  return new Promise((ok) => child.once("exit", (code) => ok({ code, stderr })));
}

describe("meshpay-aggregator --workers on SQLite", () => {
  const dir = makeWorkDir("workers-sqlite");
  const configPath = join(dir, "config.json");
  writeFileSync(
    configPath,
    JSON.stringify({
      storage: { path: join(dir, "agg.db"), bundleDir: join(dir, "bundles") },
      chain: { rpcUrl: "http://127.0.0.1:9", distributor: `0x${"11".repeat(20)}` },
      posting: { enabled: false },
    }),
  );

  it("refuses --workers 2 with CONFIG_INVALID naming storage.url (exit 2), before starting anything", async () => {
    const { code, stderr } = await runMain(["--config", configPath, "--workers", "2"]);
    assert.equal(code, 2, stderr);
    assert.match(stderr, /CONFIG_INVALID: Invalid configuration: storage\.url: 2 workers need PostgreSQL/);
  });

  it("refuses http.workers = 3 from the environment the same way", async () => {
    const { code, stderr } = await runMain(["--config", configPath], { MESHPAY_AGGREGATOR_HTTP_WORKERS: "3" });
    assert.equal(code, 2, stderr);
    assert.match(stderr, /storage\.url: 3 workers need PostgreSQL/);
  });

  it("refuses a --workers value that is no integer from 1 to 256", async () => {
    const { code, stderr } = await runMain(["--config", configPath, "--workers", "0"]);
    assert.notEqual(code, 0);
    assert.match(stderr, /--workers.*expected an integer from 1 to 256/);
  });
});
