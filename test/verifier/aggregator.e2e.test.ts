import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseEther } from "viem";
import { generatePrivateKey, mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import type { FaultKind } from "../../scripts/faults/faultKinds.ts";
import { rewardDistributorAbi as distributorAbi } from "../../src/contracts/abis.ts";
import { hashViewerTicket } from "../../src/protocol/eip712/hashViewerTicket.ts";
import { keccak256 } from "../../src/protocol/hash/keccak256.ts";
import { signChunkReceipt } from "../../src/protocol/messages/signChunkReceipt.ts";
import { signViewerTicket } from "../../src/protocol/messages/signViewerTicket.ts";
import type { Address, Hex } from "../../src/protocol/types.ts";
import { createRelay } from "../../src/relay-sdk/relay/createRelay.ts";
import { resolveChallenge } from "../../src/verifier/arbiter/resolveChallenge.ts";
import { reviewChallenge } from "../../src/verifier/arbiter/reviewChallenge.ts";
import type { FaultCode } from "../../src/verifier/errors/codes.ts";
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
import { setupVerifierChain } from "./helpers/verifierChain.ts";

// End to end with real processes: a `hardhat node`, the aggregator started from its test entry point
// (scripts/faults/faultyAggregatorMain.ts) with a fault in epoch FAULT_EPOCH, relays (the relay SDK) sending real
// signed receipts to it, and the verifier
// (src/verifier/main.ts). Every kind of cheating is caught, challenged and upheld by the arbiter (the test), the
// earlier honest epoch becomes claimable and the aggregator's honest re-post passes the audit.

const FAULTS: [kind: FaultKind, code: FaultCode][] = [
  ["inflate-bytes", "RELAY_TOTAL_MISMATCH"],
  ["drop-relay-receipts", "RECEIPTS_OMITTED"],
  ["forge-receipt", "RECEIPT_INVALID"],
  ["duplicate-receipt", "RECEIPT_DUPLICATE"],
  ["wrong-cumulative", "CUMULATIVE_MISMATCH"],
  ["overdraw-pool", "POOL_TOTAL_MISMATCH"],
  ["bad-bundle-hash", "BUNDLE_HASH_MISMATCH"],
  ["unfetchable-bundle", "BUNDLE_UNAVAILABLE"],
];
const EPOCH_SECONDS = 3n;
/** The epoch the aggregator cheats in; the epochs before it (startup, then honest traffic) must pass. */
const FAULT_EPOCH = 2;
/**
 * Seconds from deployment to genesis: the aggregator and the verifier (two Node processes) must be up before the
 * fault epoch begins, which took up to 21 s for the first two cases on a loaded 2-core machine.
 */
const GENESIS_LEAD = 25n;
const MNEMONIC = "test test test test test test test test test test test junk";
const keyOf = (i: number) =>
  `0x${Buffer.from(mnemonicToAccount(MNEMONIC, { addressIndex: i }).getHdKey().privateKey!).toString("hex")}` as Hex;

describe("verifier against the real aggregator's faults", { concurrency: 2 }, () => {
  let node: Proc & { url: string };
  let slot = 0;
  before(async () => {
    node = await startHardhatNode();
    await fetch(node.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"jsonrpc":"2.0","id":1,"method":"evm_setIntervalMining","params":[500]}',
    });
  });
  after(async () => {
    await node?.stop();
  });

  for (const [kind, code] of FAULTS) {
    it(`catches the aggregator's ${kind} in epoch ${FAULT_EPOCH} as ${code}; the arbiter upholds; the epoch before becomes claimable and the re-post passes`, async () => {
      // Accounts of their own per case (cases run two at a time): #10+ for the aggregator and the verifier.
      const n = slot++;
      const aggregatorKey = keyOf(10 + 2 * (n % 4));
      const verifierKey = keyOf(11 + 2 * (n % 4));
      const dir = makeDataDir("meshpay-e2e-");
      const now = BigInt(Math.floor(Date.now() / 1000));
      const chain = await setupVerifierChain({
        rpcUrl: node.url,
        registerAggregator: false,
        genesisTime: now + GENESIS_LEAD,
        config: {
          epochSeconds: EPOCH_SECONDS,
          graceSeconds: 1n,
          challengeWindow: 12n,
          arbiterTimeout: 60n,
          aggregatorBond: parseEther("1"),
          challengerBond: parseEther("0.1"),
        },
      });
      const procs: Proc[] = [];
      const relays: Awaited<ReturnType<typeof createRelay>>[] = [];
      try {
        // The aggregator, with the fault in epoch FAULT_EPOCH.
        const aggPort = await freePort();
        const aggUrl = `http://127.0.0.1:${aggPort}`;
        const target = chain.relays[1]!.address;
        const aggConfig = join(dir, "aggregator.json");
        mkdirSync(join(dir, "agg"), { recursive: true });
        writeFileSync(
          aggConfig,
          JSON.stringify({
            http: { host: "127.0.0.1", port: aggPort, publicUrl: aggUrl },
            storage: { path: "./agg/aggregator.db", bundleDir: "./agg/bundles" },
            chain: {
              rpcUrl: node.url,
              distributor: chain.distributor.address,
              pollIntervalMs: 200,
              confirmations: 0,
              fromBlock: Number(chain.deployBlock),
            },
            posting: { enabled: true, autoRegister: true, resendAfterMs: 3_000 },
            log: { level: "warn" },
          }),
        );
        // The test entry point with fault injection (the production src/aggregator/main.ts has none).
        const fault = JSON.stringify({ kind, epoch: FAULT_EPOCH, relay: target });
        const entry = resolve(ROOT, "scripts/faults/faultyAggregatorMain.ts");
        const agg = spawn(NODE, [entry, "--fault", fault, "--config", aggConfig], {
          cwd: ROOT,
          env: { ...process.env, MESHPAY_AGGREGATOR_PRIVATE_KEY: aggregatorKey },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let aggOut = "";
        agg.stdout.on("data", (d) => (aggOut = (aggOut + d).slice(-100_000)));
        agg.stderr.on("data", (d) => (aggOut = (aggOut + d).slice(-100_000)));
        procs.push({
          child: agg,
          output: () => aggOut,
          stop: async (signal = "SIGTERM") => {
            if (agg.exitCode === null) agg.kill(signal);
            return new Promise((r) => (agg.exitCode !== null ? r(agg.exitCode) : agg.once("exit", (c) => r(c))));
          },
        });

        // The verifier.
        const verPort = await freePort();
        const url = `http://127.0.0.1:${verPort}`;
        const verConfig = writeVerifierConfig(dir, chain, {
          chain: { rpcUrl: node.url, confirmations: 1, pollIntervalMs: 200 },
          http: { host: "127.0.0.1", port: verPort },
          audit: { bundleDeadlineSeconds: 2, bundleTimeoutMs: 2_000 },
          log: { level: "warn" },
          claims: { batchWaitMs: 0, minDeadlineSeconds: 30, tokenPerEth: { [chain.token.address]: "3000000000" } },
        });
        procs.push(
          await startVerifierProcess({
            configFile: verConfig,
            env: { MESHPAY_VERIFIER_PRIVATE_KEY: verifierKey },
            url,
          }),
        );
        // Ready once it has read the pool from the chain (before that it answers receipts with 503).
        await waitFor(
          "the aggregator to know the pool",
          async () => (await fetch(`${aggUrl}/v1/pools/${chain.poolId}`).catch(() => undefined))?.ok,
          20_000,
        ).catch((err) => {
          throw new Error(`${err.message}\n${aggOut}`);
        });

        // Relays (the relay SDK) deliver chunks to two viewers during epochs 0 and 1, in real time.
        const viewers = [generatePrivateKey(), generatePrivateKey()].map((key) => {
          const ticket = {
            poolId: chain.poolId,
            streamId: `0x${"5a".repeat(32)}` as Hex,
            viewer: privateKeyToAccount(key).address.toLowerCase() as Address,
            notBefore: chain.config.genesisTime * 1000n,
            notAfter: (chain.config.genesisTime + 120n) * 1000n,
            maxBytes: 10n ** 12n,
          };
          return { key, ticket, signed: signViewerTicket(ticket, chain.domain, chain.ticketSignerKey) };
        });
        for (const [i, r] of chain.relays.slice(0, 2).entries()) {
          const relay = await createRelay({
            dbPath: join(dir, `relay-${i}.db`),
            aggregatorUrl: aggUrl,
            relay: r.address,
            domain: chain.domain,
            retry: { baseDelayMs: 50, maxDelayMs: 200 },
          });
          await relay.addTicket(viewers[i]!.signed);
          relays.push(relay);
        }
        const genesisMs = Number(chain.config.genesisTime) * 1000;
        const startOfFaultEpoch = genesisMs + FAULT_EPOCH * Number(EPOCH_SECONDS) * 1000;
        const endOfFaultEpoch = startOfFaultEpoch + Number(EPOCH_SECONDS) * 1000;
        assert.ok(
          Date.now() < startOfFaultEpoch,
          `the processes took until ${Date.now() - startOfFaultEpoch} ms into epoch ${FAULT_EPOCH} to start (raise GENESIS_LEAD)`,
        );
        let segment = 0n;
        while (Date.now() < genesisMs) await new Promise((r) => setTimeout(r, 50));
        while (Date.now() < endOfFaultEpoch - 250) {
          segment += 1n;
          for (const [i, relay] of relays.entries()) {
            const v = viewers[i]!;
            const receipt = signChunkReceipt(
              {
                poolId: chain.poolId,
                ticketHash: hashViewerTicket(v.ticket),
                relay: chain.relays[i]!.address,
                segment,
                chunk: 0,
                chunkHash:
                  `0x${Buffer.from(keccak256(new TextEncoder().encode(`${kind}-${i}-${segment}`))).toString("hex")}` as Hex,
                size: 500_000,
                deliveredAt: BigInt(Date.now()),
              },
              chain.domain,
              v.key,
            );
            await relay.addReceipt(receipt);
            await relay.flush();
          }
          await new Promise((r) => setTimeout(r, 300));
        }
        const inFaultEpoch = relays.map(
          (r) => r.evidence({ status: "accepted" }).receipts.filter((x) => x.epoch === FAULT_EPOCH).length,
        );
        assert.ok(
          inFaultEpoch.every((a) => a > 2),
          `receipts of epoch ${FAULT_EPOCH} accepted by the aggregator: ${inFaultEpoch} ` +
            `(${JSON.stringify(relays.map((r) => r.stats()))})`,
        );

        const epochView = async (e: number) => (await fetch(`${url}/v1/epochs/${e}`)).json();
        for (let e = 0; e < FAULT_EPOCH; e++) {
          const honest = await waitFor(
            `epoch ${e} audited`,
            async () => ((await epochView(e)).audit?.status === "ok" ? epochView(e) : undefined),
            30_000,
          );
          assert.equal(honest.audit.challenge.status, "not_needed");
        }

        if (kind === "drop-relay-receipts") {
          await waitFor(
            `epoch ${FAULT_EPOCH} audited`,
            async () => (await epochView(FAULT_EPOCH)).audit?.status === "ok",
            30_000,
          );
          const evidence = relays[1]!.evidence({ status: "accepted" });
          const res = await fetch(`${url}/v1/disputes?epoch=${FAULT_EPOCH}`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(evidence),
          });
          const dispute = await res.json();
          assert.equal(dispute.status, "challenge_pending", JSON.stringify(dispute));
          assert.ok(dispute.omittedCount > 0);
        }
        const faulty = await waitFor(
          `epoch ${FAULT_EPOCH} challenged`,
          async () => {
            const body = await epochView(FAULT_EPOCH);
            return body.audit?.challenge?.status === "opened" ? body : undefined;
          },
          30_000,
        ).catch(async (err) => {
          throw new Error(`${err.message}: ${JSON.stringify(await epochView(FAULT_EPOCH))}\n${aggOut.slice(-3000)}`);
        });
        assert.equal(faulty.audit.fault, code);

        // The arbiter reviews from public data alone and upholds.
        const challengeId = BigInt(faulty.audit.challenge.challengeId);
        const review = await reviewChallenge({
          client: chain.publicClient as never,
          distributor: chain.distributor.address,
          challengeId,
          fromBlock: chain.deployBlock,
        });
        assert.equal(review.verdict, "uphold");
        assert.ok(review.confirmed.includes(code), `review confirms ${code}: ${review.findings.map((f) => f.code)}`);
        await resolveChallenge({
          publicClient: chain.publicClient as never,
          walletClient: chain.wallets.arbiter as never,
          distributor: chain.distributor.address,
          challengeId,
          decision: "uphold",
        });

        // The aggregator bonds again and re-posts the epoch honestly; the verifier passes it. The epoch before it
        // becomes claimable.
        const repost = await waitFor(
          `epoch ${FAULT_EPOCH} re-posted and audited`,
          async () => {
            const body = await epochView(FAULT_EPOCH);
            return body.post.rejectedByChallenge === null && body.audit?.status === "ok" ? body : undefined;
          },
          40_000,
        ).catch(async (err) => {
          throw new Error(`${err.message}: ${JSON.stringify(await epochView(FAULT_EPOCH))}\n${aggOut.slice(-3000)}`);
        });
        assert.notEqual(repost.post.id, faulty.post.id);
        const before = BigInt(FAULT_EPOCH - 1);
        await waitFor(
          `epoch ${before} claimable`,
          () =>
            chain.publicClient.readContract({
              address: chain.distributor.address,
              abi: distributorAbi,
              functionName: "isClaimable",
              args: [before],
            }),
          30_000,
        );
        const state = await chain.publicClient.readContract({
          address: chain.distributor.address,
          abi: distributorAbi,
          functionName: "systemState",
        });
        assert.equal(state.challengeCount, 1n, "one challenge: nothing honest was challenged");
      } finally {
        for (const r of relays) await r.close();
        for (const p of procs.reverse()) await p.stop();
      }
    });
  }
});
