import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import type { Hex } from "viem";
import { hardhat } from "viem/chains";
import {
  type AggregatorProcess,
  aggregatorConfig,
  freePort,
  makeWorkDir,
  startAggregatorProcess,
} from "./helpers/aggregatorProcess.ts";
import { createRandom } from "./helpers/fuzzRequests.ts";
import { createFundedPool, deployMeshpay, type LocalChain, roles, startLocalChain } from "./helpers/localChain.ts";
import { addressOf, createSigner, keyFor, viewerSession } from "./helpers/receipts.ts";

type Batch = { key: string; body: Buffer; receiptIds: Hex[] };

describe("an aggregator killed with SIGKILL during ingest", () => {
  let chain: LocalChain;
  let config: Record<string, unknown>;
  let dir: string;
  let agg: AggregatorProcess | undefined;
  let makeBatch: (b: number) => Batch;

  before(async () => {
    chain = await startLocalChain();
    const d = await deployMeshpay(chain, { epochSeconds: 3600, graceSeconds: 60 });
    const tsKey = keyFor("crash-ticket-signer");
    const poolId = await createFundedPool(chain, d, {
      pricePerGB: 10n ** 9n,
      funding: 10n ** 12n,
      ticketSigner: addressOf(tsKey),
    });
    dir = makeWorkDir("crash");
    config = aggregatorConfig({
      dir,
      port: await freePort(),
      rpcUrl: chain.rpcUrl,
      distributor: d.distributor,
      fromBlock: d.fromBlock,
      overrides: { posting: { enabled: false }, log: { level: "warn" } },
    });
    const signer = createSigner({ chainId: hardhat.id, verifyingContract: d.distributor });
    const relays = [roles.relay, roles.relay2, roles.relay3].map((i) => chain.account(i).address.toLowerCase() as Hex);
    const now = BigInt(Date.now());
    // Batches are made on demand: 100 receipts from 10 viewers' tickets; every 40th batch reuses a batch's tickets.
    makeBatch = (b) => {
      const relay = relays[b % 3]!;
      const sessions = Array.from({ length: 10 }, (_, v) =>
        viewerSession(signer, {
          poolId,
          ticketSignerKey: tsKey,
          viewerLabel: `crash-${b % 40}-${v}`,
          notBefore: now - 60_000n,
          notAfter: now + 3_600_000n,
          maxBytes: 10n ** 12n,
        }),
      );
      const receipts = Array.from({ length: 100 }, (_, i) =>
        sessions[i % 10]!.receipt({ relay, segment: BigInt(b), chunk: i, size: 1000 + i, deliveredAt: now }),
      );
      return {
        key: `crash-${b}`,
        body: Buffer.from(
          JSON.stringify({
            relay,
            tickets: sessions.map((s) => s.signedTicket),
            receipts: receipts.map((r) => r.json),
          }),
        ),
        receiptIds: receipts.map((r) => r.receiptId),
      };
    };
  });
  after(async () => {
    await agg?.kill("SIGKILL");
    await chain?.stop();
  });

  it("keeps every acknowledged receipt exactly once across 20 kills, and retried batches get consistent answers", async () => {
    const rnd = createRandom(4242);
    const acknowledged = new Set<Hex>();
    let inDoubt: Batch[] = [];
    let cursor = 0;
    let kills = 0;
    const post = (url: string, agent: Agent, b: Batch) =>
      new Promise<{ status: number; body: any }>((resolve, reject) => {
        const req = request(
          `${url}/v1/receipts`,
          {
            method: "POST",
            agent,
            headers: {
              "content-type": "application/json",
              "idempotency-key": b.key,
              "content-length": String(b.body.length),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () =>
              resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) }),
            );
            res.on("error", reject);
          },
        );
        req.on("error", reject);
        req.end(b.body);
      });
    const record = (b: Batch, res: { status: number; body: any }) => {
      assert.equal(res.status, 200, JSON.stringify(res.body));
      res.body.results.forEach((r: { status: string; receiptId: Hex }, i: number) => {
        assert.ok(r.status === "accepted" || r.status === "already_accepted", `${b.key}[${i}] ${r.status}`);
        assert.equal(r.receiptId, b.receiptIds[i]);
        acknowledged.add(r.receiptId);
      });
    };
    const checkStored = () => {
      const db = new Database(config && (config.storage as { path: string }).path, { readonly: true });
      try {
        const stored = new Map<string, number>();
        for (const id of db.prepare("SELECT receipt_id FROM receipts").pluck().iterate() as Iterable<string>)
          stored.set(id, (stored.get(id) ?? 0) + 1);
        for (const id of acknowledged) assert.equal(stored.get(id), 1, `acknowledged receipt ${id} stored once`);
        for (const [id, n] of stored) assert.equal(n, 1, `receipt ${id} stored ${n} times`);
        return stored.size;
      } finally {
        db.close();
      }
    };

    while (kills < 20) {
      agg = await startAggregatorProcess({ dir, config });
      const agent = new Agent({ keepAlive: true });
      // Batches whose fate is unknown are retried with the same key: the stored answer or a fresh one, never a loss.
      for (const b of inDoubt) record(b, await post(agg.url, agent, b));
      inDoubt = [];
      checkStored();
      let killed = false;
      const client = async () => {
        while (!killed) {
          const b = makeBatch(cursor++);
          try {
            record(b, await post(agg!.url, agent, b));
          } catch (err) {
            if (err instanceof assert.AssertionError) throw err;
            inDoubt.push(b);
            return;
          }
        }
      };
      const clients = Promise.all([client(), client(), client()]);
      await new Promise((r) => setTimeout(r, 60 + rnd.int(300)));
      killed = true;
      agg.child.kill("SIGKILL");
      assert.equal(await agg.exited, "SIGKILL");
      kills++;
      await clients;
      agent.destroy();
    }
    agg = await startAggregatorProcess({ dir, config });
    const agent = new Agent({ keepAlive: true });
    for (const b of inDoubt) record(b, await post(agg.url, agent, b));
    agent.destroy();
    const stored = checkStored();
    assert.equal(stored, acknowledged.size, "nothing stored that was not acknowledged once its batch was retried");
    assert.ok(acknowledged.size >= 20 * 100, `ingest made progress between kills (${acknowledged.size} receipts)`);
  });
});
