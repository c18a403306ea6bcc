import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { createPublicClient, createWalletClient, http, keccak256, toBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { rewardDistributorAbi } from "../../src/contracts/abis.ts";
import { getEvidenceHash } from "../../src/contracts/getEvidenceHash.ts";
import type { Hex } from "../../src/protocol/types.ts";
import { type CliChain, createPoolWithCli, DEV_KEYS, deployWithCli } from "./helpers/deployWithCli.ts";
import { createEpochPoster, type EpochPoster } from "./helpers/epochPoster.ts";
import { rpc } from "./helpers/startHardhatNode.ts";
import { type RangeLimitedRpc, startRangeLimitedRpc } from "./helpers/startRangeLimitedRpc.ts";

const BROADCASTER = DEV_KEYS[1]!;

// Hosted RPC endpoints refuse eth_getLogs over a block span (often 1,000 or less). Every log query of the CLI goes
// in chunks of logBlockRange blocks (default 1,000), so it works through such an endpoint on a long chain.
describe("CLI log queries through an RPC that refuses ranges over 1,000 blocks", () => {
  let chain: CliChain;
  let proxy: RangeLimitedRpc;
  let pool: string;
  let poster: EpochPoster | undefined;

  before(async () => {
    chain = await deployWithCli("logrange");
    pool = await createPoolWithCli(chain, BROADCASTER, "0.5");
    assert.equal((await chain.run(["dev", "mint", "100"], { key: BROADCASTER })).code, 0);
    await rpc(chain.node.url, "hardhat_mine", ["0xdac"]); // 3,500 blocks between the pool's creation and its funding
    const funded = await chain.run(["--json", "pool", "fund", pool, "12.5"], { key: BROADCASTER });
    assert.equal(funded.code, 0, funded.stderr);
    await rpc(chain.node.url, "hardhat_mine", ["0x3e8"]);
    proxy = await startRangeLimitedRpc(chain.node.url, 1_000n);
  });
  after(async () => {
    await poster?.close();
    await proxy?.close();
    await chain?.close();
  });

  it("reads pool status and the dev status over the limited endpoint in chunks of at most 1,000 blocks", async () => {
    const status = await chain.run(["--json", "--rpc", proxy.url, "pool", "status", pool]);
    assert.equal(status.code, 0, status.stderr);
    const [p] = status.json().pools;
    assert.equal(p.funded.amount, "12.5");
    const listed = await chain.run(["--json", "--rpc", proxy.url, "pool", "status"]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(
      listed.json().pools.map((x: { poolId: string }) => x.poolId),
      [pool],
    );
    const dev = await chain.run(["--json", "--rpc", proxy.url, "dev", "status"]);
    assert.equal(dev.code, 0, dev.stderr);
    assert.ok(proxy.spans.length >= 10, `only ${proxy.spans.length} eth_getLogs requests`);
    assert.ok(
      proxy.spans.every((s) => s <= 1_000n),
      `spans over 1,000: ${proxy.spans.filter((s) => s > 1_000n)}`,
    );
  });

  it("fails with the endpoint's own error when told to use a larger range than it allows", async () => {
    const r = await chain.run(["--json", "--rpc", proxy.url, "pool", "status", pool], {
      env: { MESHPAY_LOG_BLOCK_RANGE: "5000" },
    });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(r.json().error.code, "RPC_LIMIT_EXCEEDED");
    assert.match(r.json().error.hint, /MESHPAY_LOG_BLOCK_RANGE/);
    assert.match(r.stdout + r.stderr, /exceeds max block range 1000/, `exit ${r.code}: ${r.stdout}${r.stderr}`);
    const bad = await chain.run(["--rpc", proxy.url, "pool", "status", pool], {
      env: { MESHPAY_LOG_BLOCK_RANGE: "lots" },
    });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /MESHPAY_LOG_BLOCK_RANGE must be a positive whole number/);
  });

  it("reviews a challenge (arbiter list, arbiter review) and audits the epoch over the limited endpoint", async () => {
    // Epoch 0 posted honestly 4,500 blocks after the deployment, and challenged with evidence that does not hold.
    poster = await createEpochPoster({
      rpcUrl: chain.node.url,
      distributor: chain.deployment.distributor,
      aggregatorKey: DEV_KEYS[4]!,
    });
    const relay = privateKeyToAccount(DEV_KEYS[3]!).address;
    const post = await poster.post(0n, [
      { relay, poolId: pool as Hex, ticketSignerKey: BROADCASTER, chunks: 4, chunkSize: 1_000_000 },
    ]);
    const evidence = JSON.stringify({ format: "meshpay-evidence", version: 1, epoch: "0", fault: "ROOT_MISMATCH" });
    const file = join(chain.dir, "evidence.json");
    writeFileSync(file, evidence);
    const challenger = privateKeyToAccount(DEV_KEYS[6]!);
    const client = createPublicClient({ transport: http(chain.node.url) });
    const { challengerBond } = await client.readContract({
      address: chain.deployment.distributor,
      abi: rewardDistributorAbi,
      functionName: "config",
    });
    const hash = await createWalletClient({ account: challenger, transport: http(chain.node.url) }).writeContract({
      address: chain.deployment.distributor,
      abi: rewardDistributorAbi,
      functionName: "challenge",
      args: [0n, getEvidenceHash(challenger.address, keccak256(toBytes(evidence))), pathToFileURL(file).href],
      value: challengerBond,
      chain: null,
    });
    assert.equal((await client.waitForTransactionReceipt({ hash })).status, "success");
    const seen = proxy.spans.length;

    const list = await chain.run(["--json", "--rpc", proxy.url, "arbiter", "list"]);
    assert.equal(list.code, 0, list.stdout + list.stderr);
    assert.deepEqual(
      list.json().challenges.map((c: { challengeId: string }) => c.challengeId),
      ["1"],
    );
    const review = await chain.run(["--json", "--rpc", proxy.url, "arbiter", "review", "1"]);
    assert.equal(review.code, 6, review.stdout + review.stderr); // the review ran: the evidence does not hold
    assert.equal(review.json().evidence.hashMatches, true);
    assert.equal(review.json().recomputation.root, post.root);
    assert.equal(review.json().recommendation, "dismiss");
    const audit = await chain.run(["--json", "--rpc", proxy.url, "audit", "epoch", "0"]);
    assert.equal(audit.code, 0, audit.stdout + audit.stderr);
    assert.equal(audit.json().ok, true);

    const spans = proxy.spans.slice(seen);
    assert.ok(spans.length >= 15, `only ${spans.length} eth_getLogs requests`);
    assert.ok(
      spans.every((s) => s <= 1_000n),
      `spans over 1,000: ${spans.filter((s) => s > 1_000n)}`,
    );
  });
});
