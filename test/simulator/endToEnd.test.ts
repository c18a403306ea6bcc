// The simulator against the real aggregator process (src/aggregator/main.ts) on a real local chain
// (`hardhat node`), reusing the aggregator tests' helpers for the chain, the deployment and the process.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, it } from "node:test";
import type { Hex } from "viem";
import { createSimulation } from "../../src/simulator/createSimulation.ts";
import type { SimulationSummary } from "../../src/simulator/types.ts";
import {
  type AggregatorProcess,
  aggregatorConfig,
  freePort,
  makeWorkDir,
  startAggregatorProcess,
  waitFor,
} from "../aggregator/helpers/aggregatorProcess.ts";
import {
  createFundedPool,
  type Deployment,
  deployMeshpay,
  type LocalChain,
  roles,
  startLocalChain,
} from "../aggregator/helpers/localChain.ts";
import { tempDir, ticketSignerAddress, ticketSignerKey } from "./fixtures.ts";

const EPOCH_SECONDS = 4;
const MAIN = new URL("../../src/simulator/main.ts", import.meta.url).pathname;

describe("simulator end to end: real aggregator process, real local chain", () => {
  let chain: LocalChain;
  let d: Deployment;
  let agg: AggregatorProcess;
  let poolId: Hex;
  let summary: SimulationSummary;
  const dir = tempDir();

  before(async () => {
    chain = await startLocalChain({ blockMs: 500 });
    d = await deployMeshpay(chain, { epochSeconds: EPOCH_SECONDS, graceSeconds: 2, challengeWindow: 2 });
    poolId = await createFundedPool(chain, d, {
      pricePerGB: 10n ** 9n,
      funding: 10n ** 15n,
      ticketSigner: ticketSignerAddress,
    });
    const workDir = makeWorkDir("sim");
    const port = await freePort();
    agg = await startAggregatorProcess({
      dir: workDir,
      config: aggregatorConfig({
        dir: workDir,
        port,
        rpcUrl: chain.rpcUrl,
        distributor: d.distributor,
        fromBlock: d.fromBlock,
      }),
      env: { MESHPAY_AGGREGATOR_PRIVATE_KEY: chain.privateKey(roles.aggregator) },
    });
    // The aggregator learns pools from the chain: wait until it knows ours.
    await waitFor(
      "the aggregator to know the pool",
      async () => (await fetch(`${agg.url}/v1/pools/${poolId}`)).status === 200,
      30_000,
    );
  });
  after(async () => {
    await agg?.kill();
    await chain?.stop();
    dir.remove();
  });

  it("late receipts are refused with EPOCH_CLOSED, no forged claim is credited, and the answers and the posted leaves match the expected bytes per relay and epoch", async () => {
    const sim = await createSimulation({
      aggregatorUrl: agg.url,
      domain: { chainId: await chain.publicClient.getChainId(), verifyingContract: d.distributor },
      poolId,
      ticketSignerKey,
      epochParams: { genesisTime: BigInt(d.genesisTime), epochSeconds: BigInt(EPOCH_SECONDS), graceSeconds: 2n },
      seed: "e2e",
      viewers: 8,
      relays: 3,
      bitrateKbps: 128,
      chunkBytes: 4096,
      segmentSeconds: 1,
      loss: 0.1,
      late: 0.15,
      lateMarginMs: 500,
      cheat: { relays: 1, rate: 0.3 },
      churn: { viewersPerMinute: 6 },
      workDir: dir.dir,
      relayOptions: { intervalMs: 500 },
    });
    try {
      summary = await sim.run({ epochs: 2 });
    } finally {
      await sim.close();
    }
    const { checks } = summary;
    assert.ok(checks.expectedMatchesAccepted && checks.lateRefused && checks.settled, checks.problems.join("\n"));
    assert.ok(summary.totals.accepted > 50, `${summary.totals.accepted} accepted`);
    assert.ok(summary.totals.late > 0);
    assert.equal(summary.totals.rejectedByCode.EPOCH_CLOSED, summary.totals.late);
    const forged = summary.relays.find((r) => r.cheater)!.forged;
    assert.ok(forged.submitted > 10);
    assert.equal(forged.accepted, 0, "no forged claim was credited to the cheater");
    // A replay of another relay's receipt is refused even when the aggregator already stored that receipt.
    const replay = forged.byMode.replay;
    assert.ok(replay.submitted > 0);
    assert.equal(replay.rejected, replay.submitted);
    assert.equal(replay.alreadyAccepted, 0);
    assert.equal(replay.rejectedByCode.RECEIPT_RELAY_MISMATCH, replay.rejected);
    for (const mode of ["wrong-signer", "fake-ticket", "replay-rewrite"] as const) {
      assert.equal(forged.byMode[mode].rejected, forged.byMode[mode].submitted, mode);
      assert.equal(
        forged.byMode[mode].rejectedByCode[mode === "fake-ticket" ? "TICKET_BAD_SIGNER" : "RECEIPT_SIGNER_NOT_VIEWER"],
        forged.byMode[mode].submitted,
        mode,
      );
    }

    // The posted reward trees credit each relay exactly the expected bytes in each epoch.
    const last = Math.max(...summary.time.epochs);
    await waitFor(
      `epoch ${last} to be posted`,
      async () => ((await (await fetch(`${agg.url}/v1/epochs/${last}`)).json()) as { post: unknown }).post,
      60_000,
      250,
    );
    let credited = 0;
    for (const r of summary.relays)
      for (const e of summary.time.epochs) {
        const res = await fetch(`${agg.url}/v1/epochs/${e}/leaves/${poolId}/${r.address}`);
        const epochBytes =
          res.status === 404 ? 0 : Number(((await res.json()) as { leaf: { epochBytes: string } }).leaf.epochBytes);
        assert.equal(epochBytes, summary.expectedBytes[r.address]?.[String(e)] ?? 0, `relay ${r.index} epoch ${e}`);
        credited += epochBytes;
      }
    assert.equal(credited, summary.totals.expected.bytes);
  });

  it("the command reads the chain id and epoch parameters from the chain and runs in real time (--check passes)", async () => {
    const out = tempDir();
    try {
      const child = spawn(
        process.execPath,
        [
          MAIN,
          "--aggregator",
          agg.url,
          "--rpc-url",
          chain.rpcUrl,
          "--distributor",
          d.distributor,
          "--pool",
          poolId,
          "--ticket-signer-key-env",
          "SIM_E2E_TICKET_KEY",
          "--viewers",
          "4",
          "--relays",
          "2",
          "--bitrate-kbps",
          "64",
          "--chunk-bytes",
          "4096",
          "--segment-seconds",
          "1",
          "--loss",
          "0.1",
          "--seconds",
          "4",
          "--seed",
          "e2e-cli",
          "--work-dir",
          out.dir,
          "--json",
          "--check",
        ],
        { env: { ...process.env, SIM_E2E_TICKET_KEY: ticketSignerKey }, stdio: ["ignore", "pipe", "pipe"] },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c) => (stdout += c));
      child.stderr.on("data", (c) => (stderr += c));
      const code = await new Promise((resolve) => child.on("close", resolve));
      assert.equal(code, 0, stderr);
      const s = JSON.parse(stdout) as SimulationSummary;
      assert.equal(s.mode, "realtime");
      assert.equal(s.domain.chainId, String(await chain.publicClient.getChainId()));
      assert.deepEqual(s.epochParams, { genesisTime: d.genesisTime, epochSeconds: EPOCH_SECONDS, graceSeconds: 2 });
      assert.ok(s.totals.accepted > 10);
      assert.equal(s.checks.ok, true);
    } finally {
      out.remove();
    }
  });
});
