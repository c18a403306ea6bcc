import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  batchOf,
  gate,
  ingestorOn,
  outcomes,
  pendingAfter,
  submit,
  withPostgres,
  withSqlite,
} from "../helpers/ingestHarness.ts";
import { EPOCH_SECONDS } from "../helpers/seedReceipts.ts";

// EPOCH_POOL_LIMIT when batches of several processes (stores on one database) each bring a pool new to the epoch:
// together they never take the epoch past its limit (a small one here, set as the distributor's maxPoolTotals would).

for (const [name, using] of [
  ["SQLite", withSqlite],
  ["PostgreSQL", withPostgres],
] as const) {
  describe(`EPOCH_POOL_LIMIT across stores on ${name}`, () => {
    it("lets only one of two batches racing for an epoch's last pool add it; the other is refused with EPOCH_POOL_LIMIT", async () => {
      await using(2, async (b) => {
        const limit = { maxPoolsPerEpoch: 3 };
        const seed = await ingestorOn(b.stores[1]!, limit);
        for (const n of [1, 2])
          assert.equal((await submit(seed, `seed-${n}`, batchOf(`race-seed-${n}`, { pool: n }))).answer.accepted, 3);
        const held = gate(b.stores[0]!);
        const first = await ingestorOn(held.store, limit);
        try {
          const second = await ingestorOn(b.stores[1]!, limit);
          const three = submit(first, "pool-3", batchOf("race-3", { pool: 3, count: 1 }));
          await held.reached;
          // Pool 4 (new to the epoch) waits for the first batch's commit, then finds the epoch full; pool 1, which the
          // epoch pays already, is taken.
          const newPool = batchOf("race-4", { pool: 4, count: 1 });
          const paidPool = batchOf("race-1", { pool: 1, count: 1 });
          const four = submit(second, "pool-4", {
            relay: newPool.relay,
            tickets: [...newPool.tickets, ...paidPool.tickets],
            receipts: [...newPool.receipts, ...paidPool.receipts],
          });
          assert.ok(await pendingAfter(four, 300), "the second new pool waits for the first batch's commit");
          held.open();
          assert.deepEqual(outcomes((await three).answer), ["accepted"]);
          assert.deepEqual(outcomes((await four).answer), ["EPOCH_POOL_LIMIT", "accepted"]);
        } finally {
          held.open();
        }
        const paid = await b.query("SELECT COUNT(*) AS n FROM epoch_stats WHERE epoch = 0");
        assert.equal(Number(paid[0]!.n), 3);
        const pools = await b.query("SELECT COUNT(DISTINCT pool_id) AS n FROM receipts WHERE epoch = 0");
        assert.equal(Number(pools[0]!.n), 3);
        // A pool the epoch pays is still taken, from either store.
        const more = await submit(seed, "more-1", batchOf("race-more", { pool: 1, count: 2 }));
        assert.equal(more.answer.accepted, 2);
      });
    });
  });
}

describe("EPOCH_POOL_LIMIT across four PostgreSQL stores under a race", () => {
  it("pays exactly the limit's number of pools per epoch when every batch brings a new pool at once", async () => {
    await withPostgres(4, async (b) => {
      const limit = 4;
      const ingestors = await Promise.all(b.stores.map((s) => ingestorOn(s, { maxPoolsPerEpoch: limit })));
      for (let epoch = 0; epoch < 3; epoch++) {
        // Eight batches, two per store, each of a different pool, all sent at once: four pools win, four are refused.
        const answers = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            submit(
              ingestors[i % 4]!,
              `e${epoch}-p${i + 1}`,
              batchOf(`pools-${epoch}-${i}`, { pool: i + 1, count: 2, seconds: epoch * EPOCH_SECONDS + 10 }),
            ),
          ),
        );
        const won = answers.filter((a) => a.answer.accepted === 2).length;
        const refused = answers.filter((a) => outcomes(a.answer).every((o) => o === "EPOCH_POOL_LIMIT")).length;
        assert.deepEqual({ won, refused }, { won: limit, refused: 8 - limit }, `epoch ${epoch}`);
        const paid = await b.query("SELECT COUNT(DISTINCT pool_id) AS n FROM receipts WHERE epoch = ?", [epoch]);
        assert.equal(Number(paid[0]!.n), limit);
        const stats = await b.query("SELECT COUNT(*) AS n FROM epoch_stats WHERE epoch = ?", [epoch]);
        assert.equal(Number(stats[0]!.n), limit);
      }
    });
  });
});
