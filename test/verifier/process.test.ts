import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { rewardDistributorAbi as distributorAbi, testTokenAbi } from "../../src/contracts/abis.ts";
import { getEvidenceHash } from "../../src/contracts/getEvidenceHash.ts";
import { keccak256 } from "../../src/protocol/hash/keccak256.ts";
import { signChunkReceipt } from "../../src/protocol/messages/signChunkReceipt.ts";
import { signClaimAuthorization } from "../../src/protocol/messages/signClaimAuthorization.ts";
import type { Address, Hex } from "../../src/protocol/types.ts";
import { signedClaimAuthorizationToJson } from "../../src/protocol/wire/signedClaimAuthorizationToJson.ts";
import { resolveChallenge } from "../../src/verifier/arbiter/resolveChallenge.ts";
import { reviewChallenge } from "../../src/verifier/arbiter/reviewChallenge.ts";
import { testPostgresUrl, withPostgresSchema } from "../aggregator/helpers/withPostgresSchema.ts";
import { createEpochDriver } from "./helpers/epochDriver.ts";
import {
  freePort,
  NODE,
  type Proc,
  ROOT,
  startHardhatNode,
  startVerifierProcess,
  waitFor,
} from "./helpers/processes.ts";
import { makeDataDir, writeVerifierConfig } from "./helpers/startTestVerifier.ts";
import { CHAIN_CONFIG, setupVerifierChain, type VerifierChain } from "./helpers/verifierChain.ts";

// The verifier as a real process (node src/verifier/main.ts) against a real `hardhat node` process, once with its
// SQLite file and once on PostgreSQL (its own schema in the test database, dropped after).
for (const engine of ["SQLite", "PostgreSQL"] as const)
  describe(`verifier process (${engine})`, () => {
    let node: Proc & { url: string };
    let chain: VerifierChain;
    let driver: Awaited<ReturnType<typeof createEpochDriver>>;
    let verifier: Proc | undefined;
    let configFile: string;
    let url: string;
    let dataDir: string;
    let port: number;
    const writeConfig = (storage: Record<string, unknown>) =>
      writeVerifierConfig(dataDir, chain, {
        chain: { rpcUrl: node.url, confirmations: 1, pollIntervalMs: 150 },
        http: { host: "127.0.0.1", port },
        storage,
        claims: { batchWaitMs: 0, minDeadlineSeconds: 30, tokenPerEth: { [chain.token.address]: "3000000000" } },
        log: { level: "info" },
      });
    const env = () => ({ MESHPAY_VERIFIER_PRIVATE_KEY: chain.verifierKey });

    before(async () => {
      node = await startHardhatNode();
      chain = await setupVerifierChain({ rpcUrl: node.url, price: 1_000_000_000n, funds: 10n ** 12n });
      await chain.rpc("evm_setIntervalMining", [300]); // milliseconds
      driver = await createEpochDriver(chain);
      port = await freePort();
      url = `http://127.0.0.1:${port}`;
      dataDir = makeDataDir();
      configFile = writeConfig({ dir: "./data" });
    });
    after(async () => {
      await verifier?.stop();
      await driver?.close();
      await node?.stop();
    });

    const epochView = async (e: number) => (await fetch(`${url}/v1/epochs/${e}`)).json();

    it("refuses to start with an invalid configuration (exit code 2, every problem named)", {
      skip: engine !== "SQLite",
    }, () => {
      const bad = join(makeDataDir(), "bad.json");
      writeFileSync(
        bad,
        JSON.stringify({ chain: { rpcUrl: "nope", distributor: "0x12", confirmations: -1 }, unknownSetting: 1 }),
      );
      const r = spawnSync(NODE, [resolve(ROOT, "src/verifier/main.ts"), "--config", bad], {
        cwd: ROOT,
        env: { ...process.env, MESHPAY_VERIFIER_PRIVATE_KEY: "" },
        encoding: "utf8",
      });
      assert.equal(r.status, 2);
      for (const text of [
        "chain.rpcUrl: expected an http\\(s\\)",
        "chain.distributor: expected a 0x-prefixed 20-byte hex address",
        "chain.confirmations: expected an integer",
        "unknownSetting: unknown setting",
      ])
        assert.match(r.stderr, new RegExp(text));
    });

    it("audits, survives SIGKILL, catches up, challenges a forged epoch; the arbiter upholds; the honest re-post is claimable and a paid claim goes through", async () => {
      if (engine === "SQLite") return scenario();
      await withPostgresSchema(async (s) => {
        configFile = writeConfig({ dir: "./data", url: testPostgresUrl, schema: s.name });
        try {
          await scenario();
        } finally {
          await verifier?.stop("SIGKILL");
          verifier = undefined;
        }
        // Everything went to PostgreSQL: no SQLite file, and the schema holds what the process saw.
        assert.equal(existsSync(join(dataDir, "data", "verifier.db")), false);
        const client = await s.connect();
        try {
          const audits = await client.query("SELECT status FROM audits ORDER BY epoch, updated_at");
          assert.deepEqual(
            audits.rows.map((r) => r.status),
            ["ok", "faulty", "ok"],
          );
          const txs = await client.query("SELECT kind, status FROM transactions ORDER BY id");
          assert.deepEqual(
            txs.rows.map((r) => `${r.kind}:${r.status}`),
            ["challenge:mined", "claims:mined"],
            "each transaction sent once, none again after the SIGKILL",
          );
        } finally {
          await client.end();
        }
      });
    });

    async function scenario(): Promise<void> {
      verifier = await startVerifierProcess({ configFile, env: env(), url });
      const v = chain.makeViewer();
      const relay = chain.relays[0]!;
      await driver.post(0n, {
        tickets: [v.ticket],
        receipts: v.receipts({ relay: relay.address, epoch: 0n, count: 3 }),
      });
      const e0 = await waitFor("epoch 0 audited", async () =>
        (await epochView(0)).audit?.status === "ok" ? epochView(0) : undefined,
      ).catch((err) => {
        console.error(verifier!.output().slice(-5000));
        throw err;
      });
      assert.equal(e0.audit.challenge.status, "not_needed");

      // Killed outright; epoch 1 (with a forged receipt) is posted while it is down.
      await verifier.stop("SIGKILL");
      const good = v.receipts({ relay: relay.address, epoch: 1n, count: 2 });
      const forged = signChunkReceipt({ ...good[0]!.receipt, segment: 999_999n }, chain.domain, generatePrivateKey());
      await driver.post(1n, { tickets: [v.ticket], receipts: [...good, forged] });
      verifier = await startVerifierProcess({ configFile, env: env(), url });
      const e1 = await waitFor("epoch 1 challenged", async () => {
        const body = await epochView(1);
        return body.audit?.challenge?.status === "opened" ? body : undefined;
      });
      assert.equal(e1.audit.fault, "RECEIPT_INVALID");
      const evidence = new Uint8Array(await (await fetch(e1.audit.evidenceURI)).arrayBuffer());
      // The verifier's own challenge, and its evidence bound to it: keccak256(abi.encode(challenger, keccak256(doc))).
      const challengeId = BigInt(e1.audit.challenge.challengeId);
      const challenge = await chain.publicClient.readContract({
        address: chain.distributor.address,
        abi: distributorAbi,
        functionName: "challengeInfo",
        args: [challengeId],
      });
      assert.equal(
        getEvidenceHash(challenge.challenger, `0x${Buffer.from(keccak256(evidence)).toString("hex")}`),
        challenge.evidenceHash,
      );

      const review = await reviewChallenge({
        client: chain.publicClient as never,
        distributor: chain.distributor.address,
        challengeId,
        fromBlock: chain.deployBlock,
      });
      assert.equal(review.verdict, "uphold");
      await resolveChallenge({
        publicClient: chain.publicClient as never,
        walletClient: chain.wallets.arbiter as never,
        distributor: chain.distributor.address,
        challengeId,
        decision: "uphold",
      });
      await waitFor("the rejection seen", async () => (await epochView(1)).post.rejectedByChallenge !== null);

      // Honest re-post of epoch 1, audited clean, then claimable; a paid claim through the process.
      driver.rejectFrom(1n);
      await chain.write(
        chain.wallets.aggregator,
        chain.distributor.address,
        distributorAbi,
        "registerAggregator",
        [],
        CHAIN_CONFIG.aggregatorBond,
      );
      await driver.post(1n, { tickets: [v.ticket], receipts: good });
      await waitFor("the re-post audited", async () => (await epochView(1)).audit?.status === "ok");
      await chain.time.increase(CHAIN_CONFIG.challengeWindow);
      const recipient = privateKeyToAccount(generatePrivateKey()).address.toLowerCase() as Address;
      const deadline = (await chain.time.latest()) + 3_600n;
      const body = signedClaimAuthorizationToJson(
        signClaimAuthorization(
          { poolId: chain.poolId, account: relay.address, recipient, maxFee: 1_000_000n, nonce: 0n, deadline },
          chain.domain,
          relay.key,
        ),
      );
      const queued = await (
        await fetch(`${url}/v1/claims`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        })
      ).json();
      assert.equal(queued.status, "queued", JSON.stringify(queued));
      assert.equal(queued.amount, "5000000");
      const paid = await waitFor("the claim paid", async () => {
        const c = await (await fetch(`${url}/v1/claims/${queued.id}`)).json();
        return c.status === "paid" ? c : undefined;
      });
      const balance = await chain.publicClient.readContract({
        address: chain.token.address,
        abi: testTokenAbi,
        functionName: "balanceOf",
        args: [recipient],
      });
      assert.equal(balance, 5_000_000n - BigInt(paid.fee));
      const health = await (await fetch(`${url}/healthz`)).json();
      assert.equal(health.ok, true);
      assert.match(await (await fetch(`${url}/metrics`)).text(), /meshpay_verifier_audits_total\{result="faulty"\} 1/);
      assert.equal(await verifier.stop("SIGTERM"), 0);
      verifier = undefined;
    }
  });

export type { Hex };
