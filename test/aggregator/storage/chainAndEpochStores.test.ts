import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import pg from "pg";
import type { PrepareEpochResult } from "../../../src/aggregator/epoch/prepareEpoch.ts";
import type { ChainStore } from "../../../src/aggregator/storage/ChainStore.ts";
import { createChainStore } from "../../../src/aggregator/storage/createChainStore.ts";
import { createEpochStore } from "../../../src/aggregator/storage/createEpochStore.ts";
import { createPostgresChainStore } from "../../../src/aggregator/storage/createPostgresChainStore.ts";
import { createPostgresEpochStore } from "../../../src/aggregator/storage/createPostgresEpochStore.ts";
import type { EpochStore } from "../../../src/aggregator/storage/EpochStore.ts";
import { migratePostgresDatabase } from "../../../src/aggregator/storage/migratePostgresDatabase.ts";
import { openDatabase } from "../../../src/aggregator/storage/openDatabase.ts";
import type { Address, Hex } from "../../../src/protocol/types.ts";
import { makeWorkDir } from "../helpers/aggregatorProcess.ts";
import { testPostgresUrl, withPostgresSchema } from "../helpers/withPostgresSchema.ts";

type Stores = {
  chain: ChainStore;
  epochs: EpochStore;
  /** Adds ingest totals (what the ingest store writes) directly. */
  addStats(epoch: number, poolId: Hex, receipts: number, bytes: number): Promise<void>;
  count(table: string): Promise<number>;
};

const P1 = `0x${"11".repeat(32)}` as Hex;
const P2 = `0x${"22".repeat(32)}` as Hex;
const A1 = `0x${"a1".repeat(20)}` as Address;
const A2 = `0x${"a2".repeat(20)}` as Address;
const h = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;

let clock = 1_000;
const now = () => clock++;

function prepared(epoch: number, attempt: number, over: Partial<PrepareEpochResult> = {}): PrepareEpochResult {
  return {
    epoch,
    attempt,
    root: h(epoch * 100 + attempt),
    fileHash: h(epoch * 1000 + attempt),
    bundleHash: h(epoch * 1000 + attempt),
    path: `/bundles/${epoch}-${attempt}.bundle`,
    bytes: 1234,
    leavesOffset: 99,
    poolTotals: [{ poolId: P1, amount: "123456789012345678901234567890" }],
    receiptCount: 10,
    ticketCount: 2,
    leafCount: 3,
    excluded: [],
    servable: true,
    tampered: null,
    seconds: 0.1,
    phases: {},
    ...over,
  };
}
const meta = { bundleUri: "http://x/b", snapshotBlock: 42, previousBundleHash: h(0), replaced: null };

async function withSqlite(fn: (s: Stores) => Promise<void>) {
  const database = openDatabase(join(makeWorkDir("stores"), "agg.db"), { synchronous: "NORMAL" });
  try {
    await fn({
      chain: createChainStore(database),
      epochs: createEpochStore(database, now),
      async addStats(epoch, poolId, receipts, bytes) {
        database.sqlite
          .prepare("INSERT INTO epoch_stats (epoch, pool_id, receipt_count, bytes) VALUES (?, ?, ?, ?)")
          .run(epoch, poolId, receipts, bytes);
      },
      async count(table) {
        return (database.sqlite.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
      },
    });
  } finally {
    database.close();
  }
}

async function withPostgres(fn: (s: Stores) => Promise<void>) {
  await withPostgresSchema(async (schema) => {
    const pool = new pg.Pool({ connectionString: testPostgresUrl, options: `-c search_path=${schema.name}`, max: 4 });
    try {
      const client = await pool.connect();
      await migratePostgresDatabase(client);
      client.release();
      await fn({
        chain: createPostgresChainStore(pool),
        epochs: createPostgresEpochStore(pool, now),
        async addStats(epoch, poolId, receipts, bytes) {
          await pool.query("INSERT INTO epoch_stats (epoch, pool_id, receipt_count, bytes) VALUES ($1, $2, $3, $4)", [
            epoch,
            poolId,
            receipts,
            bytes,
          ]);
        },
        async count(table) {
          return Number((await pool.query(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0].n);
        },
      });
    } finally {
      await pool.end();
    }
  });
}

for (const [engine, withStores] of [
  ["SQLite", withSqlite],
  ["PostgreSQL", withPostgres],
] as const) {
  describe(`aggregator chain and epoch stores on ${engine}`, () => {
    it("keeps values, the cursor and pools with their signer and price histories", async () => {
      await withStores(async ({ chain }) => {
        assert.equal(await chain.getCursor(), undefined);
        assert.equal(await chain.getValue("identity"), undefined);
        await chain.setValue("identity", '{"chainId":1}');
        await chain.setValue("identity", '{"chainId":2}');
        assert.equal(await chain.getValue("identity"), '{"chainId":2}');
        await chain.transaction(async (tx) => {
          await tx.insertPool({
            poolId: P1,
            token: A1,
            owner: A2,
            metadataUri: "ipfs://1",
            createdBlock: 5,
            createdAt: 50,
          });
          await tx.insertPool({
            poolId: P1,
            token: A2,
            owner: A2,
            metadataUri: "ignored",
            createdBlock: 6,
            createdAt: 60,
          });
          await tx.insertSigner({ poolId: P1, blockNumber: 5, logIndex: 1, since: 50, signer: A1 });
          await tx.insertSigner({ poolId: P1, blockNumber: 9, logIndex: 0, since: 90, signer: A2 });
          await tx.insertSigner({ poolId: P1, blockNumber: 7, logIndex: 3, since: 70, signer: A2 });
          await tx.upsertPrice({ poolId: P1, fromEpoch: 0, pricePerGb: "100", blockNumber: 5 });
          await tx.upsertPrice({ poolId: P1, fromEpoch: 3, pricePerGb: "200", blockNumber: 7 });
          await tx.upsertPrice({ poolId: P1, fromEpoch: 3, pricePerGb: "300", blockNumber: 8 });
          await tx.updateBalances(P1, { unallocated: 2n ** 70n, owed: 5n, block: 8 });
          await tx.setCursor(10n);
        });
        assert.equal(await chain.getCursor(), 10n);
        assert.deepEqual(await chain.loadPools(), [
          {
            poolId: P1,
            token: A1,
            owner: A2,
            metadataUri: "ipfs://1",
            unallocated: 2n ** 70n,
            owed: 5n,
            createdBlock: 5,
            createdAt: 50,
            updatedBlock: 8,
            signers: [
              { since: 50, signer: A1 },
              { since: 70, signer: A2 },
              { since: 90, signer: A2 },
            ],
            prices: [
              { fromEpoch: 0, pricePerGB: 100n },
              { fromEpoch: 3, pricePerGB: 300n },
            ],
          },
        ]);
      });
    });

    it("stores nothing of a transaction whose function fails", async () => {
      await withStores(async ({ chain, count }) => {
        await assert.rejects(
          chain.transaction(async (tx) => {
            await tx.insertPool({ poolId: P2, token: A1, owner: A1, metadataUri: "", createdBlock: 1, createdAt: 1 });
            await tx.setCursor(3n);
            throw new Error("boom");
          }),
          /boom/,
        );
        assert.equal(await chain.getCursor(), undefined);
        assert.equal(await count("pools"), 0);
      });
    });

    it("moves attempts through the posting states", async () => {
      await withStores(async ({ epochs, count }) => {
        assert.equal(await epochs.nextAttempt(0), 1);
        assert.equal(await epochs.latestClosed(), undefined);
        await epochs.insertPrepared(
          prepared(0, 1, { excluded: [{ receiptId: h(7), reason: "signer rotated" }] }),
          meta,
        );
        assert.equal(await count("excluded_receipts"), 1);
        await epochs.insertPrepared(prepared(0, 2), meta);
        assert.equal(await epochs.nextAttempt(0), 3);
        const first = await epochs.get(0, 1);
        assert.equal(first?.state, "failed", "superseded");
        assert.equal((await epochs.latestPrepared(0))?.attempt, 2);
        const second = (await epochs.get(0, 2))!;
        assert.deepEqual(
          { ...second, createdAt: 0, updatedAt: 0 },
          {
            epoch: 0,
            attempt: 2,
            state: "prepared",
            root: h(2),
            bundleHash: h(2),
            fileHash: h(2),
            bundleUri: "http://x/b",
            bundlePath: "/bundles/0-2.bundle",
            bundleBytes: 1234,
            leavesOffset: 99,
            servable: 1,
            snapshotBlock: 42,
            previousBundleHash: h(0),
            poolTotals: JSON.stringify([{ poolId: P1, amount: "123456789012345678901234567890" }]),
            receiptCount: 10,
            ticketCount: 2,
            leafCount: 3,
            fault: null,
            nonce: null,
            txHash: null,
            minedBlock: null,
            minedTxHash: null,
            postedAt: null,
            challengeId: null,
            error: null,
            replaced: null,
            createdAt: 0,
            updatedAt: 0,
          },
        );
        await epochs.recordSubmission(0, 2, { txHash: h(0xaa), nonce: 4, raw: "0x01" });
        await epochs.recordSubmission(0, 2, { txHash: h(0xbb), nonce: 4, raw: "0x02" });
        assert.deepEqual(
          (await epochs.transactions(0, 2)).map((t) => [t.txHash, t.nonce, t.rawTransaction, t.epoch, t.attempt]),
          [
            [h(0xaa), 4, "0x01", 0, 2],
            [h(0xbb), 4, "0x02", 0, 2],
          ],
        );
        assert.deepEqual(
          (await epochs.inState("submitted")).map((a) => [a.epoch, a.attempt, a.txHash, a.nonce]),
          [[0, 2, h(0xbb), 4]],
        );
        await epochs.markMined(0, 2, { block: 77, txHash: h(0xbb), postedAt: 770 });
        const mined = (await epochs.live(0))!;
        assert.deepEqual([mined.attempt, mined.state, mined.minedBlock, mined.postedAt], [2, "mined", 77, 770]);
        assert.equal((await epochs.latestLive())?.epoch, 0);
        assert.equal((await epochs.current(0))?.attempt, 2);
        assert.equal((await epochs.byBundleHash(0, h(2).toUpperCase().replace("0X", "0x")))?.attempt, 2);

        // Epoch 1 posted, then epoch 0 re-posted by a newer attempt: the older live one is rejected.
        await epochs.insertPrepared(prepared(1, 1), meta);
        await epochs.markMined(1, 1, { block: 80, txHash: h(0xcc), postedAt: 800 });
        assert.equal((await epochs.latestLive())?.epoch, 1);
        assert.deepEqual(
          (await epochs.liveFrom(0)).map((a) => [a.epoch, a.attempt]),
          [
            [0, 2],
            [1, 1],
          ],
        );
        await epochs.insertPrepared(prepared(0, 3), meta);
        await epochs.markMined(0, 3, { block: 90, txHash: h(0xdd), postedAt: 900 });
        assert.equal((await epochs.get(0, 2))?.state, "rejected");
        await epochs.markClaimable(0, 3);
        await epochs.setChallenge(1, 1, "5");
        await epochs.markRejected(1, 1);
        assert.equal((await epochs.get(1, 1))?.challengeId, "5");
        await epochs.setError(1, 1, "why");
        await epochs.markFailed(0, 1, "again");
        assert.equal((await epochs.get(1, 1))?.error, "why");
        assert.deepEqual(
          (await epochs.attempts(0)).map((a) => [a.attempt, a.state]),
          [
            [1, "failed"],
            [2, "rejected"],
            [3, "claimable"],
          ],
        );
        assert.equal(await epochs.latestClaimable(), 0);
        assert.equal(await epochs.latestClosed(), 1);
        assert.deepEqual([...(await epochs.countByState())].sort(), [
          ["claimable", 1],
          ["failed", 1],
          ["rejected", 2],
        ]);
        assert.equal((await epochs.inState("failed", 1)).length, 1);
      });
    });

    it("reads the ingest totals per epoch and per pool", async () => {
      await withStores(async ({ epochs, addStats }) => {
        await addStats(3, P2, 4, 4000);
        await addStats(3, P1, 2, 2_000_000_000_000);
        await addStats(5, P1, 1, 10);
        assert.deepEqual(await epochs.stats(3), [
          { poolId: P1, receiptCount: 2, bytes: 2_000_000_000_000 },
          { poolId: P2, receiptCount: 4, bytes: 4000 },
        ]);
        assert.deepEqual([...(await epochs.statsRange(0, 5))], [[3, { receiptCount: 6, bytes: 2_000_000_004_000 }]]);
      });
    });
  });
}

describe("aggregator chain and epoch stores on an unreachable PostgreSQL", () => {
  it("throw STORAGE_UNAVAILABLE", async () => {
    // Nothing listens on port 1.
    const pool = new pg.Pool({
      connectionString: "postgres://postgres@127.0.0.1:1/test",
      connectionTimeoutMillis: 500,
    });
    try {
      const unavailable = { code: "STORAGE_UNAVAILABLE" };
      await assert.rejects(createPostgresChainStore(pool).getCursor(), unavailable);
      await assert.rejects(
        createPostgresChainStore(pool).transaction(async (tx) => tx.setCursor(1n)),
        unavailable,
      );
      await assert.rejects(createPostgresEpochStore(pool).latestClosed(), unavailable);
      await assert.rejects(createPostgresEpochStore(pool).markFailed(0, 1, "x"), unavailable);
    } finally {
      await pool.end();
    }
  });
});
