import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { hardhat } from "viem/chains";
import {
  aggregatorConfig,
  freePort,
  makeWorkDir,
  startAggregatorProcess,
  waitFor,
  waitHealthy,
} from "../helpers/aggregatorProcess.ts";
import {
  createFundedPool,
  type Deployment,
  deployMeshpay,
  type LocalChain,
  startLocalChain,
} from "../helpers/localChain.ts";
import { presignBatches } from "../helpers/presignBatches.ts";
import { addressOf, keyFor } from "../helpers/receipts.ts";
import { sendLoad } from "../helpers/sendLoad.ts";
import { testPostgresUrl, withPostgresSchema } from "../helpers/withPostgresSchema.ts";

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

/** The pids of the processes whose parent is `pid` (the primary's workers). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map(Number)
      .sort();
  } catch {
    return [];
  }
}

describe("meshpay-aggregator --workers 2 on PostgreSQL (local chain)", () => {
  let chain: LocalChain;
  let d: Deployment;
  const tsKey = keyFor("workers-ticket-signer");

  before(async () => {
    chain = await startLocalChain();
    d = await deployMeshpay(chain, { epochSeconds: 3600, graceSeconds: 60 });
  });
  after(async () => {
    await chain?.stop();
  });

  it("serves one port from two workers, restarts a worker killed with SIGKILL, and stops all on SIGTERM (exit 0)", async () => {
    await withPostgresSchema(async (schema) => {
      const poolId = await createFundedPool(chain, d, {
        pricePerGB: 10n ** 9n,
        funding: 10n ** 12n,
        ticketSigner: addressOf(tsKey),
      });
      const dir = makeWorkDir("workers-pg");
      const config = aggregatorConfig({
        dir,
        port: await freePort(),
        rpcUrl: chain.rpcUrl,
        distributor: d.distributor,
        fromBlock: d.fromBlock,
        overrides: {
          http: { workers: 2 },
          storage: { url: testPostgresUrl, schema: schema.name },
          posting: { enabled: false },
          log: { level: "warn" },
        },
      });
      const primary = await startAggregatorProcess({ dir, config, waitReady: false });
      try {
        await waitHealthy(primary, 60_000).catch((err) => {
          throw new Error(`${(err as Error).message}\n${readFileSync(primary.logPath, "utf8")}`);
        });
        const first = await waitFor("two workers", async () => {
          const pids = childrenOf(primary.child.pid!);
          return pids.length === 2 ? pids : undefined;
        });
        await waitFor("the pool in GET /v1/pools", async () => {
          const res = (await (await fetch(`${primary.url}/v1/pools`)).json()) as { pools: { poolId: string }[] };
          return res.pools.some((p) => p.poolId === poolId);
        });
        const batches = [
          ...presignBatches({
            domain: { chainId: hardhat.id, verifyingContract: d.distributor },
            poolId,
            ticketSignerKey: tsKey,
            relays: [`0x${"71".repeat(20)}`],
            label: "workers",
            batches: 12,
            receiptsPerBatch: 50,
            sessions: 10,
          }),
        ];
        const before = await sendLoad({
          targets: [primary.url],
          batches: batches.slice(0, 6),
          connectionsPerTarget: 4,
        });
        assert.equal(before.accepted, 300, JSON.stringify(before.outcomes.map((o) => o.status)));

        process.kill(first[0]!, "SIGKILL");
        const restarted = await waitFor(
          "the primary to restart the killed worker",
          async () => {
            const pids = childrenOf(primary.child.pid!);
            return pids.length === 2 && !pids.includes(first[0]!) ? pids : undefined;
          },
          30_000,
        );
        assert.ok(restarted.includes(first[1]!), "the other worker kept running");
        await waitHealthy(primary, 30_000);
        // While the new worker starts, a request the primary hands it may fail: a relay retries.
        const afterKill = await sendLoad({
          targets: [primary.url],
          batches: batches.slice(6),
          connectionsPerTarget: 4,
          attempts: 20,
          retryDelayMs: 250,
        });
        assert.equal(afterKill.accepted, 300, JSON.stringify(afterKill.outcomes.map((o) => o.body.slice(0, 200))));

        assert.equal(await primary.kill("SIGTERM"), 0, readFileSync(primary.logPath, "utf8"));
        for (const pid of restarted) assert.throws(() => process.kill(pid, 0), "a worker outlived the primary");
      } finally {
        await primary.kill("SIGKILL");
        for (const pid of childrenOf(primary.child.pid!)) process.kill(pid, "SIGKILL");
      }
    });
  });
});
