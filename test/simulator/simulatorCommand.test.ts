import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, it } from "node:test";
import type { EpochParams } from "../../src/protocol/types.ts";
import type { SimulationSummary } from "../../src/simulator/types.ts";
import { domain, pool, poolId, tempDir, ticketSignerKey } from "./fixtures.ts";
import { startSwarmAggregator } from "./swarmAggregator.ts";

const MAIN = new URL("../../src/simulator/main.ts", import.meta.url).pathname;

function runCommand(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("simulator command", () => {
  it("runs a fast swarm against an aggregator, prints progress on stderr and a JSON summary that matches the aggregator's credits", async () => {
    const now = Date.now();
    // Epoch 0 runs from 10 minutes ago to 50 minutes from now: receipts stamped 5 minutes ago are on time.
    const epochParams: EpochParams = {
      genesisTime: BigInt(Math.floor(now / 1000) - 600),
      epochSeconds: 3600n,
      graceSeconds: 60n,
    };
    const agg = await startSwarmAggregator({ domain, pools: [pool], epochParams, now: () => Date.now() });
    const dir = tempDir();
    try {
      const { code, stdout, stderr } = await runCommand(
        [
          "--aggregator",
          agg.url,
          "--chain-id",
          String(domain.chainId),
          "--distributor",
          domain.verifyingContract,
          "--pool",
          poolId,
          "--ticket-signer-key-env",
          "SIM_TICKET_KEY",
          "--genesis-time",
          String(epochParams.genesisTime),
          "--epoch-seconds",
          "3600",
          "--grace-seconds",
          "60",
          "--viewers",
          "8",
          "--relays",
          "3",
          "--bitrate-kbps",
          "256",
          "--chunk-bytes",
          "16384",
          "--loss",
          "0.1",
          "--cheat",
          "1",
          "--cheat-rate",
          "0.2",
          "--churn",
          "5",
          "--fast",
          "--signer",
          "native",
          "--start-at",
          String(now - 300_000),
          "--seconds",
          "30",
          "--seed",
          "cli",
          "--work-dir",
          dir.dir,
          "--json",
          "--check",
        ],
        { SIM_TICKET_KEY: ticketSignerKey },
      );
      assert.equal(code, 0, stderr);
      assert.match(stderr, /simulating 8 viewers, 3 relays \(1 cheating\) in fast mode/);
      assert.match(stderr, /receipts \(\d+ lost, 0 late, \d+ forged\), aggregator: \d+ accepted/);
      const summary = JSON.parse(stdout) as SimulationSummary;
      assert.equal(summary.checks.ok, true);
      assert.ok(summary.totals.accepted > 100);
      assert.equal(summary.totals.accepted, agg.accepted.size);
      assert.ok(summary.totals.forged.rejected > 0);
      for (const r of summary.relays) assert.deepEqual(agg.bytesByEpoch(r.address), summary.expectedBytes[r.address]);
    } finally {
      await agg.close();
      dir.remove();
    }
  });

  it("exits 2 with a sentence when the ticket signer key is missing, and 3 when the aggregator does not answer", async () => {
    const base = [
      "--chain-id",
      "31337",
      "--distributor",
      domain.verifyingContract,
      "--pool",
      poolId,
      "--genesis-time",
      "0",
      "--epoch-seconds",
      "60",
      "--grace-seconds",
      "5",
      "--seconds",
      "1",
    ];
    const missing = await runCommand(
      ["--aggregator", "http://127.0.0.1:9", ...base, "--ticket-signer-key-env", "NO_SUCH_VAR_FOR_SIM"],
      {},
    );
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /NO_SUCH_VAR_FOR_SIM .*holds no ticket signer key/);
    const down = await runCommand(["--aggregator", "http://127.0.0.1:9", ...base], {
      MESHPAY_TICKET_SIGNER_KEY: ticketSignerKey,
    });
    assert.equal(down.code, 3);
    assert.match(down.stderr, /does not answer/);
  });
});
