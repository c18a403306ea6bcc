// End to end with the real services: the broadcaster's ticket from `meshpay ticket issue`, receipts signed by the
// relay SDK's receiver and submitted by its relay to the real aggregator process, which closes the epoch, posts its
// root and publishes its bundle; then `meshpay receipts`, `meshpay rewards` from the bundle and from the aggregator's
// API (the default, with fallback to the bundle and refusal of a lying aggregator), `meshpay audit epoch` and `audit proof` on the aggregator's own bundle, and `meshpay claim`.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createPublicClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { rewardDistributorAbi } from "../../src/contracts/abis.ts";
import type { Address, Hex } from "../../src/protocol/types.ts";
import { signedViewerTicketFromJson } from "../../src/protocol/wire/signedViewerTicketFromJson.ts";
import { createReceiver } from "../../src/relay-sdk/receiver/createReceiver.ts";
import { createViewerSessionKey } from "../../src/relay-sdk/receiver/createViewerSessionKey.ts";
import { createRelay } from "../../src/relay-sdk/relay/createRelay.ts";
import {
  type AggregatorProcess,
  aggregatorConfig,
  makeWorkDir,
  startAggregatorProcess,
  waitFor,
} from "../aggregator/helpers/aggregatorProcess.ts";
import { type CliChain, createPoolWithCli, DEV_KEYS, deployWithCli } from "./helpers/deployWithCli.ts";
import { freePort, mineAt } from "./helpers/startHardhatNode.ts";
import { startLyingAggregator } from "./helpers/startLyingAggregator.ts";

const BROADCASTER = DEV_KEYS[1];
const RELAY = DEV_KEYS[3];
const relay = privateKeyToAccount(RELAY).address.toLowerCase() as Address;
const EPOCH_SECONDS = 6n;
const GRACE_SECONDS = 1n;
// Short enough for 6-second epochs: the contract refuses (challengeWindow + arbiterTimeout) / epochSeconds + 8 > 64.
const CHALLENGE_WINDOW = 60n;
const ARBITER_TIMEOUT = 120n;

describe("meshpay end to end with the real aggregator and relay SDK", () => {
  let chain: CliChain;
  let aggregator: AggregatorProcess;
  let pool: Hex;
  let genesis: bigint;
  let aggregatorDir: string | undefined;
  const store = () => join(chain.dir, "relay.sqlite");

  before(async () => {
    // Epoch 0 starts 30 s from now (after the setup below, which took up to 25 s on a loaded machine) and lasts 6 s
    // plus 1 s of grace.
    genesis = BigInt(Math.floor(Date.now() / 1000)) + 30n;
    chain = await deployWithCli("e2e", [
      "--epoch-seconds",
      String(EPOCH_SECONDS),
      "--grace-seconds",
      String(GRACE_SECONDS),
      "--genesis-time",
      String(genesis),
      "--challenge-window",
      String(CHALLENGE_WINDOW),
      "--arbiter-timeout",
      String(ARBITER_TIMEOUT),
    ]);
    pool = await createPoolWithCli(chain, BROADCASTER, "1000");
    for (const args of [
      ["dev", "mint", "1000"],
      ["pool", "fund", pool, "1000"],
    ])
      assert.equal((await chain.run(args, { key: BROADCASTER })).code, 0);
    const dir = makeWorkDir("cli-e2e");
    aggregatorDir = dir;
    aggregator = await startAggregatorProcess({
      dir,
      config: aggregatorConfig({
        dir,
        port: await freePort(),
        rpcUrl: chain.node.url,
        distributor: chain.deployment.distributor,
        fromBlock: BigInt(chain.deployment.fromBlock),
        overrides: { posting: { enabled: true, autoRegister: true, resendAfterMs: 5000 }, log: { level: "warn" } },
      }),
      env: { MESHPAY_AGGREGATOR_PRIVATE_KEY: DEV_KEYS[5] },
    });
  });
  after(async () => {
    await aggregator?.kill();
    await chain?.close();
    if (aggregatorDir) rmSync(aggregatorDir, { recursive: true, force: true });
  });

  it("carries a CLI-issued ticket's receipts through the relay SDK to the aggregator, which posts the epoch", async () => {
    const viewer = createViewerSessionKey();
    const issued = await chain.run(
      [
        "--json",
        "ticket",
        "issue",
        pool,
        "--viewer",
        viewer.address,
        "--stream",
        "e2e",
        "--not-before",
        String(genesis * 1000n),
        "--valid-for",
        "1h",
      ],
      { key: BROADCASTER },
    );
    assert.equal(issued.code, 0, issued.stdout + issued.stderr);
    const domain = { chainId: chain.deployment.chainId, verifyingContract: chain.deployment.distributor };
    const receiver = createReceiver({
      domain,
      ticket: signedViewerTicketFromJson(issued.json().signedTicket),
      sessionKey: viewer,
      now: () => Number(genesis) * 1000 + 1000,
    });
    const relayNode = await createRelay({
      dbPath: store(),
      aggregatorUrl: aggregator.url,
      relay,
      domain,
      retry: { baseDelayMs: 0 },
    });
    try {
      // The receipts are delivered 1 s into epoch 0: sent once that moment has come, and before the epoch closes.
      while (Date.now() < Number(genesis) * 1000 + 1500) await new Promise((r) => setTimeout(r, 100));
      const closesAt = (Number(genesis + EPOCH_SECONDS + GRACE_SECONDS) - 1) * 1000;
      assert.ok(Date.now() < closesAt, `the setup took until ${Date.now() - closesAt} ms after epoch 0 closed`);
      await relayNode.addTicket(issued.json().signedTicket);
      for (let chunk = 0; chunk < 20; chunk++) {
        const bytes = new Uint8Array(1_000_000).fill(chunk);
        await relayNode.addReceipt(receiver.signChunk({ bytes, relay, segment: 0, chunk }).signed);
      }
      const flushed = await relayNode.flush();
      assert.equal(flushed.batches[0]?.accepted, 20, JSON.stringify(flushed));
    } finally {
      await relayNode.close();
    }
    const receipts = await chain.run(["--json", "receipts", "--store", store()]);
    assert.equal(receipts.code, 0, receipts.stderr);
    assert.equal(receipts.json().totals.accepted.receipts, 20);
    assert.equal(receipts.json().byPool[0].epoch, 0);

    // Epoch 0 closes at genesis + 7 s by the aggregator's clock and by the chain's: then it posts.
    const closesAt = genesis + EPOCH_SECONDS + GRACE_SECONDS;
    await waitFor("epoch 0 to close", async () => Date.now() >= Number(closesAt) * 1000 + 200, 60_000, 100);
    await mineAt(chain.node.url, closesAt);
    const client = createPublicClient({ transport: http(chain.node.url) });
    await waitFor(
      "the aggregator to post epoch 0",
      async () => {
        await mineAt(chain.node.url, 0n);
        const state = await client.readContract({
          address: chain.deployment.distributor,
          abi: rewardDistributorAbi,
          functionName: "systemState",
        });
        return state.nextEpoch >= 1n;
      },
      60_000,
      500,
    );
  });

  it("reads rewards from the aggregator by default (MESHPAY_AGGREGATOR_URL or --aggregator), the same as the bundle (--no-aggregator)", async () => {
    const fromBundle = await chain.run(["--json", "rewards", "--account", relay, "--no-aggregator"], {
      env: { MESHPAY_AGGREGATOR_URL: aggregator.url },
    });
    const byEnv = await chain.run(["--json", "rewards", "--account", relay], {
      env: { MESHPAY_AGGREGATOR_URL: aggregator.url },
    });
    const byFlag = await chain.run(["--json", "rewards", "--account", relay, "--aggregator", aggregator.url]);
    for (const r of [fromBundle, byEnv, byFlag]) {
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.doesNotMatch(r.stderr, /aggregator unreachable/);
    }
    assert.equal(fromBundle.json().source, "bundle");
    assert.equal(byEnv.json().source, "aggregator");
    assert.equal(byFlag.json().source, "aggregator");
    assert.deepEqual(byEnv.json().pools, fromBundle.json().pools);
    assert.deepEqual(byFlag.json().pools, fromBundle.json().pools);
    const [p] = fromBundle.json().pools;
    assert.deepEqual([p.poolId, p.earned.amount, p.pending.amount], [pool, "20", "20"]);
    // Not configured at all: the bundle, without a warning.
    const plain = await chain.run(["--json", "rewards", "--account", relay]);
    assert.equal(plain.json().source, "bundle");
    assert.equal(plain.stderr, "");
  });

  it("falls back to the epoch bundle, saying so on stderr, when the aggregator does not answer", async () => {
    const port = await freePort();
    const r = await chain.run(["rewards", "--account", relay], {
      env: { MESHPAY_AGGREGATOR_URL: `http://127.0.0.1:${port}` },
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `meshpay: aggregator unreachable \\(The aggregator at http://127.0.0.1:${port} does not answer ` +
          "\\(ECONNREFUSED\\)\\), reading the epoch bundle instead",
      ),
    );
    assert.match(r.stdout, /leaves from the epoch bundles/);
    assert.match(r.stdout, new RegExp(`${pool}\\s+20 TUSD\\s+0 TUSD\\s+20 TUSD\\s+0 TUSD`));
  });

  it("refuses an aggregator whose leaf does not lead to the on-chain root (AGGREGATOR_PROOF_INVALID, exit 6)", async () => {
    const liar = await startLyingAggregator(aggregator.url, "amount");
    try {
      const r = await chain.run(["--json", "rewards", "--account", relay, "--aggregator", liar.url]);
      assert.equal(r.code, 6, r.stdout + r.stderr);
      const error = r.json().error;
      assert.equal(error.code, "AGGREGATOR_PROOF_INVALID");
      assert.match(
        error.message,
        new RegExp(`The aggregator at ${liar.url}/ is not trusted: the proof it gave for pool ${pool}`),
      );
      assert.ok(
        liar.requests.some((q) => q.includes("/leaves/")),
        liar.requests.join("\n"),
      );
    } finally {
      await liar.close();
    }
  });

  it("audits the aggregator's own bundle: every receipt re-verified, the root recomputed, the payout proven", async () => {
    const epoch = await chain.run(["--json", "audit", "epoch", "0"]);
    assert.equal(epoch.code, 0, epoch.stdout + epoch.stderr);
    assert.equal(epoch.json().ok, true, JSON.stringify(epoch.json().findings));
    assert.equal(epoch.json().counts.validReceipts, 20);
    const proof = await chain.run(["--json", "audit", "proof", pool, relay, "--epoch", "0"]);
    assert.equal(proof.code, 0, proof.stdout + proof.stderr);
    assert.equal(proof.json().ok, true);
  });

  it("once the window has passed, refuses a lying aggregator's claim proof (nothing sent), then claims with the honest one's", async () => {
    const latest = await createPublicClient({ transport: http(chain.node.url) }).getBlock();
    await mineAt(chain.node.url, latest.timestamp + CHALLENGE_WINDOW + 1n);
    const liar = await startLyingAggregator(aggregator.url, "proof");
    try {
      const lied = await chain.run(["--json", "claim"], { key: RELAY, env: { MESHPAY_AGGREGATOR_URL: liar.url } });
      assert.equal(lied.code, 6, lied.stdout + lied.stderr);
      assert.equal(lied.json().error.code, "AGGREGATOR_PROOF_INVALID");
      // The forged proof of the claimable epoch's claim, not anything else, is what was refused.
      assert.match(lied.json().error.message, /the proof it gave for pool .* does not lead to epoch 0's on-chain root/);
      assert.ok(
        liar.requests.some((q) => q.includes("/rewards")),
        liar.requests.join("\n"),
      );
    } finally {
      await liar.close();
    }
    const shown = await chain.run(["--json", "rewards", "--account", relay], {
      env: { MESHPAY_AGGREGATOR_URL: aggregator.url },
    });
    assert.deepEqual(
      [shown.json().source, shown.json().pools[0].claimable.amount, shown.json().pools[0].claimed.amount],
      ["aggregator", "20", "0"],
      "the refused claim sent nothing",
    );
    const r = await chain.run(["--json", "claim"], { key: RELAY, env: { MESHPAY_AGGREGATOR_URL: aggregator.url } });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stderr, /aggregator unreachable/);
    assert.equal(r.json().paid[0].amount.amount, "20");
  });
});
