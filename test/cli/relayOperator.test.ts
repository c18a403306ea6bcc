// The relay operator's paths through the real `meshpay` process against a real `hardhat node`: rewards per pool
// (earned, claimable, pending, claimed), a direct claim of every pool in one transaction, a claim with nothing due,
// a third party sending the claim, a claim through the real verifier service (--via), an unreachable RPC, and an
// unreachable aggregator (the bundles are read instead).
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pino } from "pino";
import { createPublicClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { testTokenAbi } from "../../src/contracts/abis.ts";
import type { Hex } from "../../src/protocol/types.ts";
import { loadVerifierConfig } from "../../src/verifier/config/loadVerifierConfig.ts";
import { startVerifier } from "../../src/verifier/startVerifier.ts";
import { type CliChain, createPoolWithCli, DEV_KEYS, deployWithCli } from "./helpers/deployWithCli.ts";
import { createEpochPoster, type EpochPoster } from "./helpers/epochPoster.ts";
import { freePort } from "./helpers/startHardhatNode.ts";

const BROADCASTER = DEV_KEYS[1];
const RELAY_1 = DEV_KEYS[3];
const RELAY_2 = DEV_KEYS[4];
const relay1 = privateKeyToAccount(RELAY_1).address;
const relay2 = privateKeyToAccount(RELAY_2).address;
const MB = 1_000_000;

describe("meshpay for relay operators", () => {
  let chain: CliChain;
  let poster: EpochPoster;
  let poolA: Hex;
  let poolB: Hex;
  const balanceOf = async (who: `0x${string}`) =>
    createPublicClient({ transport: http(chain.node.url) }).readContract({
      address: chain.deployment.token,
      abi: testTokenAbi,
      functionName: "balanceOf",
      args: [who],
    });

  before(async () => {
    chain = await deployWithCli("relay");
    poolA = await createPoolWithCli(chain, BROADCASTER, "1000");
    poolB = await createPoolWithCli(chain, BROADCASTER, "500");
    for (const args of [
      ["dev", "mint", "5000"],
      ["pool", "fund", poolA, "1000"],
      ["pool", "fund", poolB, "1000"],
    ]) {
      const r = await chain.run(args, { key: BROADCASTER });
      assert.equal(r.code, 0, r.stderr);
    }
    poster = await createEpochPoster({
      rpcUrl: chain.node.url,
      distributor: chain.deployment.distributor,
      aggregatorKey: DEV_KEYS[5],
    });
  });
  after(async () => {
    await poster?.close();
    await chain?.close();
  });

  it("shows no rewards before any epoch is posted", async () => {
    const r = await chain.run(["rewards", "--json"], { key: RELAY_1 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json().latestPostedEpoch, null);
    assert.deepEqual(r.json().pools, []);
  });

  it("shows a posted epoch's rewards as pending and refuses to claim them until the window has passed (exit 5)", async () => {
    await poster.post(0n, [
      { relay: relay1, poolId: poolA, ticketSignerKey: BROADCASTER, chunks: 20, chunkSize: MB },
      { relay: relay1, poolId: poolB, ticketSignerKey: BROADCASTER, chunks: 10, chunkSize: MB },
      { relay: relay2, poolId: poolA, ticketSignerKey: BROADCASTER, chunks: 10, chunkSize: MB },
    ]);
    const r = await chain.run(["rewards", "--json"], { key: RELAY_1 });
    assert.equal(r.code, 0, r.stderr);
    const out = r.json();
    assert.equal(out.latestPostedEpoch, "0");
    assert.equal(out.latestClaimableEpoch, null);
    const a = out.pools.find((p: { poolId: string }) => p.poolId === poolA);
    const b = out.pools.find((p: { poolId: string }) => p.poolId === poolB);
    assert.deepEqual([a.earned.amount, a.pending.amount, a.claimable.amount, a.claimed.amount], ["20", "20", "0", "0"]);
    assert.deepEqual([b.earned.amount, b.pending.amount, b.claimable.amount], ["5", "5", "0"]);
    assert.equal(a.earned.units, "20000000");

    const claim = await chain.run(["claim"], { key: RELAY_1 });
    assert.equal(claim.code, 5, claim.stderr);
    assert.match(
      claim.stderr,
      /Nothing to claim for 0x90F79bf6EB2c4f870365E785982E1f101E93b906: 20 TUSD, 5 TUSD is still in the challenge window/,
    );
  });

  it("claims every pool in one claimMany transaction once the epoch is claimable, then has nothing due (exit 5)", async () => {
    await poster.finalize();
    const shown = await chain.run(["rewards"], { key: RELAY_1 });
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /latest claimable 0/);
    assert.match(shown.stdout, new RegExp(`${poolA}\\s+20 TUSD\\s+20 TUSD\\s+0 TUSD\\s+0 TUSD`));

    const before = await balanceOf(relay1);
    const r = await chain.run(["--json", "claim"], { key: RELAY_1 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = r.json();
    assert.equal(out.method, "claimMany");
    assert.deepEqual(
      out.paid.map((p: { poolId: string; amount: { amount: string } }) => [p.poolId, p.amount.amount]).sort(),
      [
        [poolA, "20"],
        [poolB, "5"],
      ].sort(),
    );
    assert.equal((await balanceOf(relay1)) - before, 25_000_000n);

    const again = await chain.run(["--json", "claim"], { key: RELAY_1 });
    assert.equal(again.code, 5);
    assert.equal(again.json().error.code, "NOTHING_TO_DO");
    assert.match(again.json().error.message, /everything it earned has been claimed/);
    const after = await chain.run(["--json", "rewards"], { key: RELAY_1 });
    assert.equal(after.json().pools.find((p: { poolId: string }) => p.poolId === poolA).claimed.amount, "20");
  });

  it("lets anyone send the claim for an account; the tokens go to the account", async () => {
    const before = await balanceOf(relay2);
    const r = await chain.run(["--json", "claim", "--account", relay2, "--pool", poolA], { key: DEV_KEYS[6] });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.json().method, "claim");
    assert.equal((await balanceOf(relay2)) - before, 10_000_000n);
  });

  it("exits 3 when the verifier given to --via does not answer, and nothing is claimed", async () => {
    await poster.post(1n, [{ relay: relay1, poolId: poolA, ticketSignerKey: BROADCASTER, chunks: 10, chunkSize: MB }]);
    await poster.finalize();
    const port = await freePort();
    const r = await chain.run(["--json", "claim", "--via", `http://127.0.0.1:${port}`], { key: RELAY_1 });
    assert.equal(r.code, 3, r.stdout);
    assert.equal(r.json().error.code, "SERVICE_UNREACHABLE");
    const rewards = await chain.run(["--json", "rewards"], { key: RELAY_1 });
    assert.equal(rewards.json().pools.find((p: { poolId: string }) => p.poolId === poolA).claimable.amount, "10");
  });

  it("claims through the verifier's paid-claim relayer with --via and follows the claim until it is paid", async () => {
    const dataDir = join(chain.dir, "verifier");
    mkdirSync(dataDir, { recursive: true });
    const port = await freePort();
    writeFileSync(
      join(dataDir, "verifier.json"),
      JSON.stringify({
        chain: {
          rpcUrl: chain.node.url,
          distributor: chain.deployment.distributor,
          fromBlock: Number(chain.deployment.fromBlock),
          confirmations: 0,
          pollIntervalMs: 200,
        },
        storage: { dir: "." },
        http: { host: "127.0.0.1", port },
        audit: { challenge: false },
        claims: { batchWaitMs: 0, minDeadlineSeconds: 30, tokenPerEth: { [chain.deployment.token]: "3000000000" } },
        log: { level: "silent" },
      }),
    );
    const config = loadVerifierConfig({
      file: join(dataDir, "verifier.json"),
      env: { MESHPAY_VERIFIER_PRIVATE_KEY: DEV_KEYS[6] },
    });
    const verifier = await startVerifier({ config, logger: pino({ level: "silent" }) });
    try {
      const before = await balanceOf(relay1);
      const r = await chain.run(
        ["--json", "claim", "--via", `http://127.0.0.1:${port}`, "--max-fee", "2", "--timeout", "60s"],
        { key: RELAY_1 },
      );
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const [claim] = r.json().claims;
      assert.equal(claim.status, "paid");
      assert.equal(claim.poolId, poolA);
      assert.match(claim.transaction, /^0x[0-9a-f]{64}$/);
      const fee = BigInt(claim.fee.units);
      assert.ok(fee > 0n && fee <= 2_000_000n, `fee ${fee}`);
      assert.equal((await balanceOf(relay1)) - before, 10_000_000n - fee);
    } finally {
      await verifier.close();
    }
  });

  it("exits 3 with a clear message when the RPC does not answer", async () => {
    const port = await freePort();
    const r = await chain.run(["rewards", "--rpc", `http://127.0.0.1:${port}`], { key: RELAY_1 });
    assert.equal(r.code, 3);
    assert.match(r.stderr, new RegExp(`error: The chain's RPC endpoint http://127.0.0.1:${port} does not answer`));
  });

  it("reads the epoch bundles, with a warning, when the aggregator given to --aggregator does not answer", async () => {
    const port = await freePort();
    const r = await chain.run(["--json", "rewards", "--aggregator", `http://127.0.0.1:${port}`], { key: RELAY_1 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.json().source, "bundle");
    assert.match(r.stderr, /meshpay: aggregator unreachable \(.*ECONNREFUSED.*\), reading the epoch bundle instead/);
    assert.ok(r.json().pools.some((p: { poolId: string }) => p.poolId === poolA));
  });
});
