// The real ingest pipeline over ingest stores on SQLite or PostgreSQL, for the cross-process ingest tests: several
// stores on one PostgreSQL schema (each with its own connection pool, as separate processes), receipts of a few
// pools, and a gate that holds a batch's transaction open in the middle. No tests here.
import { join } from "node:path";
import pg from "pg";
import { createPoolRegistry } from "../../../src/aggregator/chain/createPoolRegistry.ts";
import { createIngestor, type Ingestor, type IngestorOptions } from "../../../src/aggregator/ingest/createIngestor.ts";
import { createMetrics } from "../../../src/aggregator/metrics/createMetrics.ts";
import { createIngestStore } from "../../../src/aggregator/storage/createIngestStore.ts";
import {
  createPostgresIngestStore,
  type PostgresIngestStoreOptions,
} from "../../../src/aggregator/storage/createPostgresIngestStore.ts";
import type { IngestStore, IngestTx } from "../../../src/aggregator/storage/IngestStore.ts";
import { migratePostgresDatabase } from "../../../src/aggregator/storage/migratePostgresDatabase.ts";
import { openDatabase } from "../../../src/aggregator/storage/openDatabase.ts";
import type { ReceiptVerifier } from "../../../src/protocol/createReceiptVerifier.ts";
import { createNodeReceiptVerifier } from "../../../src/protocol/node/createNodeReceiptVerifier.ts";
import type { Hex } from "../../../src/protocol/types.ts";
import { makeWorkDir } from "./aggregatorProcess.ts";
import { addressOf, createSigner, keyFor, viewerSession } from "./receipts.ts";
import { CHAIN_ID, DISTRIBUTOR, EPOCH_SECONDS, GENESIS, GRACE, pool } from "./seedReceipts.ts";
import { testPostgresUrl, withPostgresSchema } from "./withPostgresSchema.ts";

export const T0 = BigInt(GENESIS) * 1000n;
/** Unix ms `s` seconds after genesis. */
export const at = (s: number) => T0 + BigInt(s) * 1000n;
/** The harness's pool ids: `poolIdOf(1)` .. `poolIdOf(POOL_COUNT)`, all signed for by key "ih-ts". */
export const POOL_COUNT = 12;
export const poolIdOf = (n: number): Hex => `0x${"c3".repeat(20)}${n.toString(16).padStart(24, "0")}`;
export const RELAY = addressOf(keyFor("ih-relay"));
const signer = createSigner({ chainId: CHAIN_ID, verifyingContract: DISTRIBUTOR });
const registry = createPoolRegistry(
  Array.from({ length: POOL_COUNT }, (_, i) => pool(poolIdOf(i + 1), addressOf(keyFor("ih-ts")), 10n ** 9n)),
);

/** A viewer's ticket for pool `n`, valid for ten epochs from genesis. */
export function session(viewer: string, n = 1, maxBytes = 10n ** 15n) {
  return viewerSession(signer, {
    poolId: poolIdOf(n),
    ticketSignerKey: keyFor("ih-ts"),
    viewerLabel: viewer,
    notBefore: T0,
    notAfter: T0 + BigInt(10 * EPOCH_SECONDS) * 1000n,
    maxBytes,
  });
}

export type Batch = { relay: Hex; tickets: unknown[]; receipts: unknown[] };

/** A batch of `count` 100-byte receipts of a new viewer of pool `n`, delivered `seconds` after genesis (+ index). */
export function batchOf(viewer: string, opts: { pool?: number; count?: number; seconds?: number } = {}): Batch {
  const a = session(viewer, opts.pool ?? 1);
  return {
    relay: RELAY,
    tickets: [a.signedTicket],
    receipts: Array.from(
      { length: opts.count ?? 3 },
      (_, i) =>
        a.receipt({ relay: RELAY, segment: 1n, chunk: i, size: 100, deliveredAt: at((opts.seconds ?? 10) + i) }).json,
    ),
  };
}

let verifier: ReceiptVerifier | undefined;
/** The real pipeline over `store`, its clock `now` (default: 10 minutes into epoch 0, so epoch 0 is open). */
export async function ingestorOn(
  store: IngestStore,
  extra: Partial<Pick<IngestorOptions, "now" | "closedThrough" | "maxPoolsPerEpoch">> = {},
): Promise<Ingestor> {
  verifier ??= await createNodeReceiptVerifier({ domain: { chainId: CHAIN_ID, verifyingContract: DISTRIBUTOR } });
  return createIngestor({
    store,
    pools: registry,
    verifier,
    epochParams: { genesisTime: BigInt(GENESIS), epochSeconds: BigInt(EPOCH_SECONDS), graceSeconds: BigInt(GRACE) },
    limits: { maxReceipts: 5000, maxTickets: 1000, maxFutureSkewMs: 86_400_000, idempotencyTtlSeconds: 3600 },
    rateLimit: { requestsPerSecond: 1e9, requestBurst: 1e9, receiptsPerSecond: 1e9, receiptBurst: 1e9 },
    metrics: createMetrics(),
    now: () => Number(at(600)),
    ...extra,
  });
}

export type Answer = {
  accepted: number;
  alreadyAccepted: number;
  rejected: number;
  results: { status: string; epoch?: number; errors?: { code: string }[] }[];
};

export async function submit(ingestor: Ingestor, key: string, body: Batch) {
  const { json, replayed } = await ingestor.ingest({ idempotencyKey: key, bodyHash: JSON.stringify(body), body });
  return { json, replayed, answer: JSON.parse(json) as Answer };
}

/** Each result's status, or its error codes joined by "," when rejected. */
export const outcomes = (a: Answer) =>
  a.results.map((r) => (r.errors?.length ? r.errors.map((e) => e.code).join(",") : r.status));

export type Backend = {
  /** `n` stores on one database: one shared store on SQLite, one per pool on PostgreSQL. */
  stores: IngestStore[];
  /** Runs a read on the database (SQL with `?` placeholders on both engines). */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
};

/** `n` handles on one fresh SQLite file (one store: a second process never shares a SQLite file for ingest). */
export async function withSqlite(n: number, fn: (b: Backend) => Promise<void>): Promise<void> {
  const database = openDatabase(join(makeWorkDir("ingest-harness"), "agg.db"), { synchronous: "NORMAL" });
  try {
    const store = createIngestStore(database.sqlite);
    await fn({
      stores: Array.from({ length: n }, () => store),
      query: async (sql, params = []) => database.sqlite.prepare(sql).all(...params) as Record<string, unknown>[],
    });
  } finally {
    database.close();
  }
}

export type PostgresBackend = Backend & {
  schema: string;
  /** The pools behind `stores`, in order. */
  pools: pg.Pool[];
  /** A further pool and store on the schema, through `url` (e.g. a proxy's). Ended with the backend. */
  storeAt(url: string, options?: PostgresIngestStoreOptions, poolConfig?: pg.PoolConfig): IngestStore;
};

/** `n` stores on one fresh migrated PostgreSQL schema, each on its own pool (as separate processes would be). */
export async function withPostgres(
  n: number,
  fn: (b: PostgresBackend) => Promise<void>,
  options: PostgresIngestStoreOptions = {},
): Promise<void> {
  await withPostgresSchema(async (schema) => {
    const client = await schema.connect();
    try {
      await migratePostgresDatabase(client);
    } finally {
      await client.end();
    }
    const searchPath = `-c search_path=${schema.name}`;
    const pools = Array.from(
      { length: n },
      () => new pg.Pool({ connectionString: testPostgresUrl, options: searchPath, max: 4 }),
    );
    const extra: pg.Pool[] = [];
    try {
      await fn({
        schema: schema.name,
        pools,
        stores: pools.map((p) => createPostgresIngestStore(p, options)),
        async query(sql, params = []) {
          let i = 0;
          const { rows } = await pools[0]!.query(
            sql.replace(/\?/g, () => `$${++i}`),
            params,
          );
          return rows;
        },
        storeAt(url, storeOptions = options, poolConfig = {}) {
          const p = new pg.Pool({ connectionString: url, options: searchPath, max: 4, ...poolConfig });
          extra.push(p);
          return createPostgresIngestStore(p, storeOptions);
        },
      });
    } finally {
      await Promise.all([...pools, ...extra].map((p) => p.end()));
    }
  });
}

export type Gate = {
  /** `store` whose transactions wait at `write` (holding every lock they took) while the gate is shut. */
  store: IngestStore;
  /** Resolves when a transaction first waits at the gate. */
  reached: Promise<void>;
  open(): void;
};

/** Shuts a gate in front of `store`'s writes: a batch then stays in flight, its transaction open, until open(). */
export function gate(store: IngestStore): Gate {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  let reach!: () => void;
  const reached = new Promise<void>((r) => {
    reach = r;
  });
  return {
    reached,
    open,
    store: {
      ...store,
      transaction: (fn) =>
        store.transaction((tx) =>
          fn({
            ...tx,
            async write(w) {
              reach();
              await opened;
              await tx.write(w);
            },
          } satisfies IngestTx),
        ),
    },
  };
}

/** Whether `promise` is still pending after `ms`. */
export async function pendingAfter(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const pending = Symbol("pending");
  const winner = await Promise.race([
    promise.then(
      () => null,
      () => null,
    ),
    new Promise((r) => setTimeout(() => r(pending), ms)),
  ]);
  return winner === pending;
}
