import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import pg from "pg";
import { createPoolRegistry } from "../../../src/aggregator/chain/createPoolRegistry.ts";
import { createIngestor, type Ingestor } from "../../../src/aggregator/ingest/createIngestor.ts";
import { createMetrics } from "../../../src/aggregator/metrics/createMetrics.ts";
import { createIngestStore } from "../../../src/aggregator/storage/createIngestStore.ts";
import { createPostgresIngestStore } from "../../../src/aggregator/storage/createPostgresIngestStore.ts";
import type { IngestStore } from "../../../src/aggregator/storage/IngestStore.ts";
import { migratePostgresDatabase } from "../../../src/aggregator/storage/migratePostgresDatabase.ts";
import { openDatabase } from "../../../src/aggregator/storage/openDatabase.ts";
import type { ReceiptVerifier } from "../../../src/protocol/createReceiptVerifier.ts";
import { createNodeReceiptVerifier } from "../../../src/protocol/node/createNodeReceiptVerifier.ts";
import type { Hex } from "../../../src/protocol/types.ts";
import { makeWorkDir } from "../helpers/aggregatorProcess.ts";
import { addressOf, createSigner, keyFor, viewerSession } from "../helpers/receipts.ts";
import { CHAIN_ID, DISTRIBUTOR, EPOCH_SECONDS, GENESIS, GRACE, pool } from "../helpers/seedReceipts.ts";
import { testPostgresUrl, withPostgresSchema } from "../helpers/withPostgresSchema.ts";

const P1: Hex = `0x${"11".repeat(20)}${"00".repeat(11)}01`;
const R1 = addressOf(keyFor("relay-1"));
const R2 = addressOf(keyFor("relay-2"));
const T0 = BigInt(GENESIS) * 1000n;
const at = (s: number) => T0 + BigInt(s) * 1000n;
const signer = createSigner({ chainId: CHAIN_ID, verifyingContract: DISTRIBUTOR });
const pools = createPoolRegistry([pool(P1, addressOf(keyFor("ts-1")), 1_000_000_000n)]);
const nowMs = Number(T0) + 600_000;

type Totals = { receipts: number; bytes: bigint };
type Backend = { stores: IngestStore[]; totals(ticketHash: Hex): Promise<Totals> };

function session(viewer: string, maxBytes = 10n ** 15n) {
  return viewerSession(signer, {
    poolId: P1,
    ticketSignerKey: keyFor("ts-1"),
    viewerLabel: viewer,
    notBefore: T0,
    notAfter: T0 + BigInt(10 * EPOCH_SECONDS) * 1000n,
    maxBytes,
  });
}

let verifier: ReceiptVerifier | undefined;
async function ingestorOn(store: IngestStore): Promise<Ingestor> {
  verifier ??= await createNodeReceiptVerifier({ domain: { chainId: CHAIN_ID, verifyingContract: DISTRIBUTOR } });
  return createIngestor({
    store,
    pools,
    verifier,
    epochParams: { genesisTime: BigInt(GENESIS), epochSeconds: BigInt(EPOCH_SECONDS), graceSeconds: BigInt(GRACE) },
    limits: { maxReceipts: 5000, maxTickets: 1000, maxFutureSkewMs: 86_400_000, idempotencyTtlSeconds: 3600 },
    rateLimit: { requestsPerSecond: 1e9, requestBurst: 1e9, receiptsPerSecond: 1e9, receiptBurst: 1e9 },
    metrics: createMetrics(),
    now: () => nowMs,
  });
}

type Answer = {
  accepted: number;
  alreadyAccepted: number;
  rejected: number;
  results: { status: string; errors?: { code: string }[] }[];
};
async function submit(ingestor: Ingestor, key: string, body: { relay: Hex; tickets: unknown[]; receipts: unknown[] }) {
  const { json, replayed } = await ingestor.ingest({ idempotencyKey: key, bodyHash: JSON.stringify(body), body });
  return { json, replayed, answer: JSON.parse(json) as Answer };
}

/** `n` stores on one fresh SQLite file. */
async function withSqlite(n: number, fn: (b: Backend) => Promise<void>) {
  const database = openDatabase(join(makeWorkDir("ingest-store"), "agg.db"), { synchronous: "NORMAL" });
  try {
    const store = createIngestStore(database.sqlite);
    await fn({
      stores: Array.from({ length: n }, () => store),
      async totals(ticketHash) {
        const r = database.sqlite
          .prepare("SELECT COUNT(*) AS n FROM receipts WHERE ticket_hash = ?")
          .get(ticketHash) as {
          n: number;
        };
        const t = database.sqlite
          .prepare("SELECT bytes_accepted AS b FROM tickets WHERE ticket_hash = ?")
          .get(ticketHash) as { b: number } | undefined;
        return { receipts: r.n, bytes: BigInt(t?.b ?? 0) };
      },
    });
  } finally {
    database.close();
  }
}

/** `n` stores, each on its own connection pool (as separate processes would be), on one fresh PostgreSQL schema. */
async function withPostgres(n: number, fn: (b: Backend) => Promise<void>) {
  await withPostgresSchema(async (schema) => {
    const client = await schema.connect();
    try {
      await migratePostgresDatabase(client);
    } finally {
      await client.end();
    }
    const pgPools = Array.from(
      { length: n },
      () => new pg.Pool({ connectionString: testPostgresUrl, options: `-c search_path=${schema.name}`, max: 4 }),
    );
    try {
      await fn({
        stores: pgPools.map((p) => createPostgresIngestStore(p)),
        async totals(ticketHash) {
          const r = await pgPools[0]!.query("SELECT COUNT(*) AS n FROM receipts WHERE ticket_hash = $1", [ticketHash]);
          const t = await pgPools[0]!.query("SELECT bytes_accepted AS b FROM tickets WHERE ticket_hash = $1", [
            ticketHash,
          ]);
          return { receipts: Number(r.rows[0].n), bytes: BigInt(t.rows[0]?.b ?? 0) };
        },
      });
    } finally {
      await Promise.all(pgPools.map((p) => p.end()));
    }
  });
}

for (const [name, using] of [
  ["SQLite", withSqlite],
  ["PostgreSQL", withPostgres],
] as const) {
  describe(`ingest store conformance on ${name} (real ingest pipeline)`, () => {
    it("accepts a batch, replays its key, refuses the key with another body and says already_accepted under a new key", async () => {
      await using(1, async (b) => {
        const ingestor = await ingestorOn(b.stores[0]!);
        const a = session("conf-a");
        const receipts = [0, 1, 2].map(
          (i) => a.receipt({ relay: R1, segment: 1n, chunk: i, size: 1000, deliveredAt: at(10 + i) }).json,
        );
        const body = { relay: R1, tickets: [a.signedTicket], receipts };
        const first = await submit(ingestor, "k1", body);
        assert.equal(first.answer.accepted, 3);
        assert.equal(first.replayed, false);
        const again = await submit(ingestor, "k1", body);
        assert.equal(again.replayed, true);
        assert.equal(again.json, first.json);
        await assert.rejects(submit(ingestor, "k1", { ...body, receipts: receipts.slice(1) }), {
          code: "IDEMPOTENCY_KEY_REUSED",
        });
        const retry = await submit(ingestor, "k2", { ...body, tickets: [] });
        assert.equal(retry.answer.alreadyAccepted, 3);
        assert.equal(retry.answer.accepted, 0);
        // Another receipt for a stored chunk is a duplicate; a new chunk is credited to the stored ticket.
        const other = a.receipt({ relay: R1, segment: 1n, chunk: 0, size: 999, deliveredAt: at(20) }).json;
        const next = a.receipt({ relay: R1, segment: 1n, chunk: 3, size: 500, deliveredAt: at(21) }).json;
        const mixed = await submit(ingestor, "k3", { relay: R1, tickets: [], receipts: [other, next] });
        assert.deepEqual(
          mixed.answer.results.map((r) => r.status),
          ["rejected", "accepted"],
        );
        assert.ok(mixed.answer.results[0]!.errors!.some((e) => e.code === "RECEIPT_DUPLICATE"));
        assert.deepEqual(await b.totals(a.ticketHash), { receipts: 4, bytes: 3500n });
      });
    });

    it("answers already_accepted to a retry of stored receipts whose ticket has no bytes left (not a refusal)", async () => {
      await using(1, async (b) => {
        const ingestor = await ingestorOn(b.stores[0]!);
        const a = session("conf-full", 2000n);
        const receipts = [0, 1].map(
          (i) => a.receipt({ relay: R1, segment: 1n, chunk: i, size: 1000, deliveredAt: at(10 + i) }).json,
        );
        const first = await submit(ingestor, "full-1", { relay: R1, tickets: [a.signedTicket], receipts });
        assert.equal(first.answer.accepted, 2);
        // Checked as new, both would pass maxBytes; they are stored, so the batch is a retry.
        const retry = await submit(ingestor, "full-2", { relay: R1, tickets: [], receipts });
        assert.deepEqual(
          retry.answer.results.map((r) => r.status),
          ["already_accepted", "already_accepted"],
        );
        // A stored receipt and a new one: the new one is refused (no bytes left), the stored one is a retry.
        const more = a.receipt({ relay: R1, segment: 1n, chunk: 2, size: 1, deliveredAt: at(12) }).json;
        const mixed = await submit(ingestor, "full-3", { relay: R1, tickets: [], receipts: [receipts[1]!, more] });
        assert.deepEqual(
          mixed.answer.results.map((r) => r.status),
          ["already_accepted", "rejected"],
        );
        assert.deepEqual(await b.totals(a.ticketHash), { receipts: 2, bytes: 2000n });
      });
    });

    it("refuses bytes past the ticket's maxBytes and stores nothing of a refused receipt", async () => {
      await using(1, async (b) => {
        const ingestor = await ingestorOn(b.stores[0]!);
        const a = session("conf-cap", 2500n);
        const receipts = [0, 1, 2].map(
          (i) => a.receipt({ relay: R1, segment: 1n, chunk: i, size: 1000, deliveredAt: at(10 + i) }).json,
        );
        const { answer } = await submit(ingestor, "cap", { relay: R1, tickets: [a.signedTicket], receipts });
        assert.deepEqual(
          answer.results.map((r) => r.status),
          ["accepted", "accepted", "rejected"],
        );
        assert.deepEqual(await b.totals(a.ticketHash), { receipts: 2, bytes: 2000n });
      });
    });
  });
}

describe("ingest on PostgreSQL across processes (two ingestors, each with its own pool, on one schema)", () => {
  it("credits the same batch sent to both at once exactly once and gives both the same answer", async () => {
    await withPostgres(2, async (b) => {
      const [x, y] = await Promise.all(b.stores.map((s) => ingestorOn(s)));
      for (let round = 0; round < 10; round++) {
        const a = session(`twice-${round}`);
        const receipts = Array.from(
          { length: 20 },
          (_, i) => a.receipt({ relay: R1, segment: BigInt(round), chunk: i, size: 100, deliveredAt: at(10 + i) }).json,
        );
        const body = { relay: R1, tickets: [a.signedTicket], receipts };
        const [one, two] = await Promise.all([submit(x!, `same-${round}`, body), submit(y!, `same-${round}`, body)]);
        assert.equal(one.json, two.json);
        assert.equal(one.answer.accepted, 20);
        assert.equal([one.replayed, two.replayed].filter(Boolean).length, 1);
        assert.deepEqual(await b.totals(a.ticketHash), { receipts: 20, bytes: 2000n });
      }
    });
  });

  it("credits the same receipts under different keys once: one batch accepts them, the other says already_accepted", async () => {
    await withPostgres(2, async (b) => {
      const [x, y] = await Promise.all(b.stores.map((s) => ingestorOn(s)));
      for (let round = 0; round < 10; round++) {
        const a = session(`keys-${round}`);
        const receipts = Array.from(
          { length: 20 },
          (_, i) => a.receipt({ relay: R2, segment: BigInt(round), chunk: i, size: 100, deliveredAt: at(10 + i) }).json,
        );
        const body = { relay: R2, tickets: [a.signedTicket], receipts };
        const answers = await Promise.all([submit(x!, `x-${round}`, body), submit(y!, `y-${round}`, body)]);
        assert.deepEqual(answers.map((s) => s.answer.accepted).sort(), [0, 20]);
        assert.deepEqual(answers.map((s) => s.answer.alreadyAccepted).sort(), [0, 20]);
        assert.deepEqual(await b.totals(a.ticketHash), { receipts: 20, bytes: 2000n });
      }
    });
  });

  it("never credits a ticket past its maxBytes when concurrent batches of four processes race for its last bytes", async () => {
    await withPostgres(4, async (b) => {
      const ingestors = await Promise.all(b.stores.map((s) => ingestorOn(s)));
      for (let round = 0; round < 5; round++) {
        const a = session(`race-${round}`, 1000n);
        // Four batches of four distinct 100-byte receipts: 1600 bytes offered, 1000 allowed.
        const answers = await Promise.all(
          ingestors.map((ingestor, p) =>
            submit(ingestor, `race-${round}-${p}`, {
              relay: R1,
              tickets: [a.signedTicket],
              receipts: Array.from(
                { length: 4 },
                (_, i) =>
                  a.receipt({ relay: R1, segment: BigInt(round), chunk: p * 4 + i, size: 100, deliveredAt: at(10 + i) })
                    .json,
              ),
            }),
          ),
        );
        const accepted = answers.reduce((n, s) => n + s.answer.accepted, 0);
        assert.equal(accepted, 10);
        assert.deepEqual(await b.totals(a.ticketHash), { receipts: 10, bytes: 1000n });
      }
    });
  });
});

describe("ingest on PostgreSQL when the database is unavailable", () => {
  it("answers 503 SERVICE_UNAVAILABLE when the database is unreachable", async () => {
    const unreachable = new pg.Pool({
      connectionString: "postgres://postgres@127.0.0.1:1/test",
      connectionTimeoutMillis: 2000,
    });
    try {
      const ingestor = await ingestorOn(createPostgresIngestStore(unreachable));
      const a = session("down-a");
      const receipts = [a.receipt({ relay: R1, segment: 1n, chunk: 0, size: 100, deliveredAt: at(10) }).json];
      await assert.rejects(submit(ingestor, "down", { relay: R1, tickets: [a.signedTicket], receipts }), {
        code: "SERVICE_UNAVAILABLE",
        status: 503,
      });
    } finally {
      await unreachable.end();
    }
  });

  it("stores nothing of a batch whose connection is lost before it commits, and takes its retry whole", async () => {
    await withPostgresSchema(async (schema) => {
      const client = await schema.connect();
      try {
        await migratePostgresDatabase(client);
      } finally {
        await client.end();
      }
      const options = `-c search_path=${schema.name}`;
      const victim = new pg.Pool({
        connectionString: testPostgresUrl,
        options,
        application_name: `victim_${schema.name}`,
      });
      const healthy = new pg.Pool({ connectionString: testPostgresUrl, options });
      try {
        // The real store, its connection terminated by the server once the batch is written and before COMMIT.
        const store = createPostgresIngestStore(victim);
        const dropping: IngestStore = {
          ...store,
          transaction: (fn) =>
            store.transaction((tx) =>
              fn({
                ...tx,
                async write(w) {
                  await tx.write(w);
                  await healthy.query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
                    [`victim_${schema.name}`],
                  );
                },
              }),
            ),
        };
        const a = session("lost-a");
        const receipts = [0, 1, 2].map(
          (i) => a.receipt({ relay: R1, segment: 1n, chunk: i, size: 100, deliveredAt: at(10 + i) }).json,
        );
        const body = { relay: R1, tickets: [a.signedTicket], receipts };
        await assert.rejects(submit(await ingestorOn(dropping), "lost", body), {
          code: "SERVICE_UNAVAILABLE",
          status: 503,
        });
        for (const table of ["receipts", "tickets", "epoch_stats", "idempotency_keys"]) {
          const { rows } = await healthy.query(`SELECT COUNT(*) AS n FROM ${table}`);
          assert.equal(Number(rows[0].n), 0, `nothing in ${table}`);
        }
        const retry = await submit(await ingestorOn(createPostgresIngestStore(healthy)), "lost", body);
        assert.equal(retry.replayed, false);
        assert.equal(retry.answer.accepted, 3);
      } finally {
        await Promise.all([victim.end(), healthy.end()]);
      }
    });
  });
});
