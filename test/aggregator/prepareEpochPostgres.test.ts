import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import type pg from "pg";
import { faultKinds } from "../../scripts/faults/faultKinds.ts";
import { faultTamperRef } from "../../scripts/faults/faultTamperRef.ts";
import type { EpochSource } from "../../src/aggregator/epoch/EpochSource.ts";
import {
  type PrepareEpochInput,
  type PrepareEpochResult,
  prepareEpoch,
} from "../../src/aggregator/epoch/prepareEpoch.ts";
import { runPrepareEpochInWorker } from "../../src/aggregator/epoch/runPrepareEpochInWorker.ts";
import { migratePostgresDatabase } from "../../src/aggregator/storage/migratePostgresDatabase.ts";
import { openDatabase } from "../../src/aggregator/storage/openDatabase.ts";
import type { Hex } from "../../src/protocol/types.ts";
import { makeWorkDir } from "./helpers/aggregatorProcess.ts";
import {
  addressOf,
  CHAIN_ID,
  createSeeder,
  DISTRIBUTOR,
  EPOCH_SECONDS,
  GENESIS,
  GRACE,
  keyFor,
  pool,
} from "./helpers/seedReceipts.ts";
import { testPostgresUrl, withPostgresSchema } from "./helpers/withPostgresSchema.ts";

const P1: Hex = `0x${"11".repeat(20)}${"00".repeat(11)}01`;
const P2: Hex = `0x${"22".repeat(20)}${"00".repeat(11)}02`;
const T0 = BigInt(GENESIS) * 1000n;
const at = (s: number) => T0 + BigInt(s) * 1000n;

const TICKET_COLUMNS = [
  "ticket_hash",
  "pool_id",
  "stream_id",
  "viewer",
  "not_before",
  "not_after",
  "max_bytes",
  "signature",
  "signer",
  "bytes_accepted",
  "created_at",
];
const RECEIPT_COLUMNS = [
  "epoch",
  "receipt_id",
  "pool_id",
  "ticket_hash",
  "relay",
  "segment",
  "chunk",
  "chunk_hash",
  "size",
  "delivered_at",
  "signature",
  "accepted_at",
];

/** Copies the tickets and receipts of a SQLite aggregator file into a migrated PostgreSQL schema, in row order. */
async function copyToPostgres(dbPath: string, client: pg.Client): Promise<void> {
  const sqlite = new Database(dbPath, { readonly: true });
  try {
    for (const [table, columns] of [
      ["tickets", TICKET_COLUMNS],
      ["receipts", RECEIPT_COLUMNS],
    ] as const) {
      const rows = sqlite
        .prepare(`SELECT ${columns.join(", ")} FROM ${table} ORDER BY rowid`)
        .raw(true)
        .all() as unknown[][];
      for (let i = 0; i < rows.length; i += 1000) {
        const chunk = rows.slice(i, i + 1000);
        const values = chunk
          .map((_, r) => `(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(", ")})`)
          .join(", ");
        await client.query(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${values}`, chunk.flat());
      }
    }
  } finally {
    sqlite.close();
  }
}

/** Closes `epoch` from both engines with the same inputs; asserts the same bundle bytes and result; returns one. */
async function closeBoth(
  sources: { sqlite: EpochSource; postgres: EpochSource },
  base: Omit<PrepareEpochInput, "source" | "bundleDir">,
  dir: string,
  close: (input: PrepareEpochInput) => Promise<PrepareEpochResult> = prepareEpoch,
): Promise<PrepareEpochResult> {
  const a = await close({ ...base, source: sources.sqlite, bundleDir: join(dir, "sqlite") });
  const b = await close({ ...base, source: sources.postgres, bundleDir: join(dir, "postgres") });
  assert.deepEqual(readFileSync(b.path), readFileSync(a.path), `epoch ${base.epoch} attempt ${base.attempt}: bytes`);
  const same = (r: PrepareEpochResult) => ({ ...r, path: undefined, seconds: undefined, phases: undefined });
  assert.deepEqual(same(b), same(a));
  return a;
}

describe("epoch close from PostgreSQL gives the SQLite close's bytes", () => {
  const dir = makeWorkDir("prepare-pg");
  const dbPath = join(dir, "agg.db");
  let now = Number(T0) + 100_000;
  let seeder: Awaited<ReturnType<typeof createSeeder>>;
  let client: pg.Client;
  let dropSchema: () => void = () => {};
  let schemaDone: Promise<void> = Promise.resolve();
  let sources: { sqlite: EpochSource; postgres: EpochSource };
  const R = [1, 2, 3, 4].map((i) => addressOf(keyFor(`relay-${i}`)));

  const input = (epoch: number, attempt: number, extra: Partial<PrepareEpochInput> = {}) => ({
    epoch,
    attempt,
    chainId: CHAIN_ID,
    distributor: DISTRIBUTOR,
    genesisTime: GENESIS,
    epochSeconds: EPOCH_SECONDS,
    graceSeconds: GRACE,
    snapshotBlock: 42,
    pools: [
      { poolId: P1, pricePerGB: "3000000000", available: "1000000000" },
      { poolId: P2, pricePerGB: "1000000000", available: "5000" },
    ],
    signerHistories: [],
    previous: null,
    tamper: null,
    ...extra,
  });

  before(async () => {
    seeder = await createSeeder(
      dbPath,
      [pool(P1, addressOf(keyFor("ts-1")), 3_000_000_000n), pool(P2, addressOf(keyFor("ts-2")), 1_000_000_000n)],
      () => now,
    );
    const sessions = [
      seeder.session({ poolId: P1, ticketSigner: "ts-1", viewer: "viewer-a" }),
      seeder.session({ poolId: P1, ticketSigner: "ts-1", viewer: "viewer-b" }),
      seeder.session({ poolId: P2, ticketSigner: "ts-2", viewer: "viewer-c" }),
    ];
    // Epoch 0: 4 relays, 3 tickets, both pools; each relay's receipts interleaved with the others' in acceptance order.
    for (let round = 0; round < 6; round++)
      for (const [r, relay] of R.entries()) {
        const s = sessions[(round + r) % 3]!;
        const receipts = [0, 1].map(
          (c) =>
            s.receipt({
              relay,
              segment: BigInt(round * 10 + r),
              chunk: c,
              size: 500 * (r + 1) + c,
              deliveredAt: at(10 + round * 20 + r),
            }).json,
        );
        const res = await seeder.submit(relay, [s.signedTicket], receipts);
        assert.equal(res.accepted, 2);
      }
    // Epoch 1: one relay in pool 1.
    now = Number(T0) + (EPOCH_SECONDS + 100) * 1000;
    const d = seeder.session({ poolId: P1, ticketSigner: "ts-1", viewer: "viewer-d" });
    const late = [1000, 1000].map(
      (size, i) =>
        d.receipt({ relay: R[2]!, segment: 9n, chunk: i, size, deliveredAt: at(EPOCH_SECONDS + 50 + i) }).json,
    );
    assert.equal((await seeder.submit(R[2]!, [d.signedTicket], late)).accepted, 2);
    seeder.close();

    // The same rows in a PostgreSQL schema (held open until `after`).
    let ready!: (v: { name: string; client: pg.Client }) => void;
    const opened = new Promise<{ name: string; client: pg.Client }>((resolve) => (ready = resolve));
    schemaDone = withPostgresSchema(async (schema) => {
      const c = await schema.connect();
      await new Promise<void>((resolve) => {
        dropSchema = resolve;
        ready({ name: schema.name, client: c });
      });
      await c.end();
    });
    const s = await opened;
    client = s.client;
    await migratePostgresDatabase(client);
    await copyToPostgres(dbPath, client);
    sources = {
      sqlite: { engine: "sqlite", path: dbPath },
      postgres: { engine: "postgres", url: testPostgresUrl, schema: s.name },
    };
  });
  after(async () => {
    dropSchema();
    await schemaDone;
  });

  it("writes the same bundle, root and totals for an honest epoch and for the next one on top of it", async () => {
    const e0 = await closeBoth(sources, input(0, 1), dir);
    assert.equal(e0.receiptCount, 48);
    assert.equal(e0.ticketCount, 3);
    assert.equal(e0.leafCount, 8);
    const e1 = await closeBoth(
      sources,
      input(1, 1, { previous: { bundleHash: e0.bundleHash, path: e0.path, leavesOffset: e0.leavesOffset } }),
      dir,
    );
    assert.equal(e1.receiptCount, 2);
    assert.equal(e1.leafCount, 8);
    const empty = await closeBoth(sources, input(5, 1), dir);
    assert.equal(empty.leafCount, 0);
  });

  it("leaves out the same receipts after a signer rotation, listed in receiptId order", async () => {
    const r = await closeBoth(
      sources,
      input(0, 2, {
        signerHistories: [
          {
            poolId: P1,
            signers: [
              { since: GENESIS - 100, signer: addressOf(keyFor("ts-1")) },
              { since: GENESIS + 50, signer: addressOf(keyFor("ts-9")) },
            ],
          },
        ],
      }),
      dir,
    );
    assert.ok(r.excluded.length > 0 && r.excluded.length < 32);
    assert.ok(r.excluded.every((x, i) => i === 0 || r.excluded[i - 1]!.receiptId < x.receiptId));
    assert.equal(r.receiptCount, 48 - r.excluded.length);
  });

  it("commits every fault of scripts/faults identically on both engines", async () => {
    let attempt = 10;
    for (const kind of faultKinds) {
      const r = await closeBoth(sources, input(0, attempt++, { tamper: faultTamperRef({ kind, epoch: 0 }) }), dir);
      assert.ok(r.tampered?.startsWith(kind), `${kind} applied: ${r.tampered}`);
    }
  });

  it("closes from PostgreSQL in the close's worker thread too, with its heap capped", async () => {
    const tamper = faultTamperRef({ kind: "drop-relay-receipts", epoch: 0 });
    const inWorker = (i: PrepareEpochInput) => runPrepareEpochInWorker(i, { heapLimitMiB: 256 });
    const r = await closeBoth(sources, input(0, 40, { tamper }), dir, inWorker);
    assert.ok(r.tampered?.startsWith("drop-relay-receipts"));
  });
});

describe("epoch close from PostgreSQL across many fetch batches", () => {
  it("gives the SQLite bytes for 25,000 receipts of 3,000 relays in two pools", async () => {
    const dir = makeWorkDir("prepare-pg-big");
    const dbPath = join(dir, "agg.db");
    const { sqlite, close } = openDatabase(dbPath, { synchronous: "NORMAL" });
    const hex = (n: number, bytes: number, salt: number) =>
      `0x${((BigInt(n) * 0x9e3779b97f4a7c15n + BigInt(salt) * 0x632be59bd9b4e019n) % 2n ** 64n)
        .toString(16)
        .padStart(16, "0")
        .repeat(8)
        .slice(0, bytes * 2)}`;
    const ticketCount = 2500;
    const tickets: unknown[][] = [];
    for (let t = 0; t < ticketCount; t++)
      tickets.push([
        hex(t, 32, 1),
        t % 5 === 0 ? P2 : P1,
        hex(t % 7, 32, 2),
        hex(t, 20, 3),
        String(T0),
        String(T0 + 3_600_000n),
        "1000000000000",
        `${hex(t, 32, 4)}${hex(t, 32, 5).slice(2)}1b`,
        addressOf(keyFor(t % 5 === 0 ? "ts-2" : "ts-1")),
        0,
        0,
      ]);
    const receipts: unknown[][] = [];
    for (let i = 0; i < 25_000; i++) {
      const t = i % ticketCount;
      receipts.push([
        0,
        hex(i, 32, 6),
        tickets[t]![1],
        tickets[t]![0],
        hex((i * 7919) % 3000, 20, 7),
        String(i),
        i % 3,
        hex(i % 11, 32, 8),
        1000 + (i % 500),
        Number(T0) + (i % 3_000_000),
        `${hex(i, 32, 9)}${hex(i, 32, 10).slice(2)}1c`,
        0,
      ]);
    }
    const insert = (table: string, columns: string[], rows: unknown[][]) => {
      const stmt = sqlite.prepare(
        `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
      );
      sqlite.transaction(() => {
        for (const row of rows) stmt.run(...row);
      })();
    };
    insert("tickets", TICKET_COLUMNS, tickets);
    insert("receipts", RECEIPT_COLUMNS, receipts);
    close();
    await withPostgresSchema(async (schema) => {
      const client = await schema.connect();
      try {
        await migratePostgresDatabase(client);
        await copyToPostgres(dbPath, client);
      } finally {
        await client.end();
      }
      const r = await closeBoth(
        {
          sqlite: { engine: "sqlite", path: dbPath },
          postgres: { engine: "postgres", url: testPostgresUrl, schema: schema.name },
        },
        {
          epoch: 0,
          attempt: 1,
          chainId: CHAIN_ID,
          distributor: DISTRIBUTOR,
          genesisTime: GENESIS,
          epochSeconds: EPOCH_SECONDS,
          graceSeconds: GRACE,
          snapshotBlock: 7,
          pools: [
            { poolId: P1, pricePerGB: "3000000000", available: "1000000000" },
            { poolId: P2, pricePerGB: "1000000000", available: "5000" },
          ],
          signerHistories: [],
          previous: null,
          tamper: null,
        },
        dir,
      );
      assert.equal(r.receiptCount, 25_000);
      assert.equal(r.ticketCount, ticketCount);
    });
  });
});
