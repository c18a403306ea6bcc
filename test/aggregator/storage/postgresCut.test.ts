import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { pino } from "pino";
import type { PublicClient } from "viem";
import { createPoolRegistry } from "../../../src/aggregator/chain/createPoolRegistry.ts";
import { createLeafIndex } from "../../../src/aggregator/epoch/createLeafIndex.ts";
import { createApp } from "../../../src/aggregator/http/createApp.ts";
import type { Ingestor } from "../../../src/aggregator/ingest/createIngestor.ts";
import { createMetrics } from "../../../src/aggregator/metrics/createMetrics.ts";
import type { EpochStore } from "../../../src/aggregator/storage/EpochStore.ts";
import type { Hex } from "../../../src/protocol/types.ts";
import {
  type Batch,
  batchOf,
  ingestorOn,
  outcomes,
  type PostgresBackend,
  withPostgres,
} from "../helpers/ingestHarness.ts";
import { DISTRIBUTOR, EPOCH_SECONDS, GENESIS, GRACE } from "../helpers/seedReceipts.ts";
import { startTcpProxy, type TcpProxy } from "../helpers/tcpProxy.ts";
import { testPostgresUrl } from "../helpers/withPostgresSchema.ts";

// PostgreSQL cut off through a TCP proxy the test controls, under POST /v1/receipts of the real app and ingest
// pipeline: 503 SERVICE_UNAVAILABLE with Retry-After, nothing of a failed batch half-stored, every acknowledged batch
// still stored after the database comes back, and the retried batch taken whole.

type Post = { status: number; headers: Headers; body: { code?: string; accepted?: number; results?: unknown[] } };

/** The app's POST /v1/receipts on an ingestor whose store reaches PostgreSQL through a proxy. */
async function withCutApp(
  fn: (t: {
    b: PostgresBackend;
    proxy: TcpProxy;
    /** The app's ingestor (its store behind the proxy). */
    ingestor: Ingestor;
    post(key: string, batch: Batch): Promise<Post>;
  }) => Promise<void>,
  idleInTransactionTimeoutMs?: number,
) {
  await withPostgres(1, async (b) => {
    const u = new URL(testPostgresUrl);
    const proxy = await startTcpProxy({ host: u.hostname, port: Number(u.port || 5432) });
    let server: Server | undefined;
    try {
      const store = b.storeAt(
        proxy.url(testPostgresUrl),
        idleInTransactionTimeoutMs === undefined ? {} : { idleInTransactionTimeoutMs },
        { connectionTimeoutMillis: 3000, application_name: `cut_${b.schema}` },
      );
      const ingestor: Ingestor = await ingestorOn(store);
      const app = createApp({
        ingestor,
        pools: createPoolRegistry(),
        // Not used by POST /v1/receipts.
        epochs: {} as EpochStore,
        leafIndex: createLeafIndex(),
        chain: { client: {} as PublicClient, distributor: DISTRIBUTOR as Hex },
        epochParams: { genesisTime: GENESIS, epochSeconds: EPOCH_SECONDS, graceSeconds: GRACE },
        maxBodyBytes: 16 * 1024 * 1024,
        metrics: createMetrics(),
        logger: pino({ enabled: false }),
        readiness: () => ({ ready: true }),
        health: async () => ({ status: 200, body: {} }),
      });
      server = createServer(app);
      await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await fn({
        b,
        proxy,
        ingestor,
        async post(key, batch) {
          const res = await fetch(`${base}/v1/receipts`, {
            method: "POST",
            headers: { "content-type": "application/json", "idempotency-key": key },
            body: JSON.stringify(batch),
          });
          return { status: res.status, headers: res.headers, body: (await res.json()) as Post["body"] };
        },
      });
    } finally {
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      await proxy.close();
    }
  });
}

const count = async (b: PostgresBackend, sql: string, params: unknown[] = []) =>
  Number((await b.query(sql, params))[0]!.n);

/** What the database holds of one batch: its receipts, its ticket, its idempotent answer. */
async function storedOf(b: PostgresBackend, key: string, batch: Batch) {
  const ticketHashes = batch.receipts.map((r) => (r as { receipt: { ticketHash: string } }).receipt.ticketHash);
  return {
    receipts: await count(b, "SELECT COUNT(*) AS n FROM receipts WHERE ticket_hash = ANY(?)", [ticketHashes]),
    tickets: await count(b, "SELECT COUNT(*) AS n FROM tickets WHERE ticket_hash = ANY(?)", [ticketHashes]),
    answers: await count(b, "SELECT COUNT(*) AS n FROM idempotency_keys WHERE key = ?", [key]),
  };
}

const whole = (batch: Batch) => ({ receipts: batch.receipts.length, tickets: 1, answers: 1 });
const none = { receipts: 0, tickets: 0, answers: 0 };

function assertUnavailable(res: Post) {
  assert.equal(res.status, 503);
  assert.equal(res.body.code, "SERVICE_UNAVAILABLE");
  assert.ok(Number(res.headers.get("retry-after")) > 0, "Retry-After");
}

/** Matches a chunk of the simple query `sql` (node-postgres sends COMMIT as a Query message, NUL-terminated). */
const isQuery = (chunk: Buffer, sql: string) => chunk.includes(`${sql}\0`);

describe("ingest on PostgreSQL cut off through a TCP proxy (POST /v1/receipts of the real app)", () => {
  it("answers 503 with Retry-After while the database is cut at ingest start, and takes the batch whole after restore", async () => {
    await withCutApp(async ({ b, proxy, post }) => {
      const acked = batchOf("cut-start-a");
      assert.equal((await post("acked", acked)).status, 200);
      proxy.cut();
      const batch = batchOf("cut-start-b");
      assertUnavailable(await post("b", batch));
      assertUnavailable(await post("b", batch));
      proxy.restore();
      assert.deepEqual(await storedOf(b, "b", batch), none);
      const retry = await post("b", batch);
      assert.equal(retry.status, 200);
      assert.equal(retry.headers.get("idempotent-replayed"), null);
      assert.equal(retry.body.accepted, 3);
      assert.deepEqual(await storedOf(b, "b", batch), whole(batch));
      assert.deepEqual(await storedOf(b, "acked", acked), whole(acked));
    });
  });

  it("stores nothing of a large batch cut while its receipts are being written, and takes its retry whole", async () => {
    await withCutApp(async ({ b, proxy, post }) => {
      const acked = batchOf("cut-mid-a", { count: 50 });
      assert.equal((await post("acked", acked)).status, 200);
      // 2,000 receipts: their INSERT spans many chunks; the connection is cut after the first one reached the server.
      const batch = batchOf("cut-mid-b", { count: 2000 });
      let writing = false;
      let cutAt: string | undefined;
      proxy.intercept = (chunk, direction) => {
        if (direction !== "up") return "pass";
        if (writing) {
          cutAt = "inside the receipts INSERT";
          return "cut";
        }
        if (chunk.includes("INSERT INTO receipts")) writing = true;
        return "pass";
      };
      assertUnavailable(await post("big", batch));
      assert.equal(cutAt, "inside the receipts INSERT");
      proxy.intercept = () => "pass";
      proxy.restore();
      assert.deepEqual(await storedOf(b, "big", batch), none);
      const retry = await post("big", batch);
      assert.equal(retry.status, 200);
      assert.equal(retry.body.accepted, 2000);
      assert.deepEqual(await storedOf(b, "big", batch), whole(batch));
      assert.deepEqual(await storedOf(b, "acked", acked), whole(acked));
    });
  });

  it("cut between two statements of the transaction (before the writes): nothing stored, the retry taken whole", async () => {
    await withCutApp(async ({ b, proxy, post }) => {
      const batch = batchOf("cut-between", { count: 5 });
      // The read of the batch's tickets, after their locks were taken.
      proxy.intercept = (chunk, direction) =>
        direction === "up" && chunk.includes("FROM tickets WHERE ticket_hash = ANY") ? "cut" : "pass";
      assertUnavailable(await post("between", batch));
      proxy.intercept = () => "pass";
      proxy.restore();
      assert.deepEqual(await storedOf(b, "between", batch), none);
      const retry = await post("between", batch);
      assert.equal(retry.body.accepted, 5);
      assert.deepEqual(await storedOf(b, "between", batch), whole(batch));
    });
  });

  it("cut after COMMIT reached the server but before its answer: 503, the batch stored whole, its retry replays the answer", async () => {
    await withCutApp(async ({ b, proxy, post }) => {
      const batch = batchOf("cut-commit", { count: 4 });
      let committing = false;
      proxy.intercept = (chunk, direction) => {
        if (direction === "up" && isQuery(chunk, "COMMIT")) committing = true;
        else if (direction === "down" && committing) return "cut";
        return "pass";
      };
      assertUnavailable(await post("commit", batch));
      assert.ok(committing);
      proxy.intercept = () => "pass";
      proxy.restore();
      assert.deepEqual(await storedOf(b, "commit", batch), whole(batch), "committed whole, never half");
      const retry = await post("commit", batch);
      assert.equal(retry.status, 200);
      assert.equal(retry.headers.get("idempotent-replayed"), "true");
      assert.equal(retry.body.accepted, 4);
      assert.deepEqual(await storedOf(b, "commit", batch), whole(batch));
    });
  });

  it("a batch frozen mid-transaction (a partition) holds the epoch-close barrier only until the server ends its idle session", async () => {
    await withCutApp(async ({ b, proxy, post }) => {
      const batch = batchOf("frozen", { count: 3 });
      proxy.intercept = (chunk, direction) =>
        direction === "up" && chunk.includes("INSERT INTO receipts") ? "hold" : "pass";
      const answer = post("frozen", batch);
      const frozen = "SELECT 1 FROM pg_stat_activity WHERE application_name = ? AND state = 'idle in transaction'";
      while (!(await b.query(frozen, [`cut_${b.schema}`])).length) await new Promise((r) => setTimeout(r, 20));
      const closer = await ingestorOn(b.stores[0]!);
      const started = performance.now();
      await closer.closeThrough(0);
      const waited = performance.now() - started;
      // It waits for the frozen batch (which may have read the open epoch), but only until the server ends the
      // batch's session, idle in its transaction for 1 s.
      assert.ok(waited > 300 && waited < 5000, `the closer waited ${Math.round(waited)} ms`);
      assertUnavailable(await answer);
      proxy.intercept = () => "pass";
      proxy.release();
      proxy.restore();
      assert.deepEqual(await storedOf(b, "frozen", batch), none);
      const retry = await post("frozen", batch);
      assert.equal(retry.status, 200);
      assert.deepEqual(outcomes(retry.body as never), ["EPOCH_CLOSED", "EPOCH_CLOSED", "EPOCH_CLOSED"]);
    }, 1000);
  });

  it("refuses to close while the database is cut (503, nothing raised), and closes after restore", async () => {
    await withCutApp(async ({ b, proxy, ingestor, post }) => {
      proxy.cut();
      await assert.rejects(ingestor.closeThrough(0), { code: "SERVICE_UNAVAILABLE", status: 503 });
      proxy.restore();
      const rows = await b.query("SELECT value FROM ingest_state WHERE name = 'closed_through'");
      assert.equal(Number(rows[0]!.value), -1, "nothing raised in the database");
      await ingestor.closeThrough(0);
      const batch = batchOf("closed-after-restore", { count: 1 });
      assert.deepEqual(outcomes((await post("after", batch)).body as never), ["EPOCH_CLOSED"]);
    });
  });
});
