import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type Backend,
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

// The epoch close's barrier through the real ingest pipeline: the closer (any process) raises the closed epoch in the
// database and waits for every batch that may have read the old value; afterwards every process refuses the epoch.

const receiptsOf = async (b: Backend, epoch: number) =>
  Number((await b.query("SELECT COUNT(*) AS n FROM receipts WHERE epoch = ?", [epoch]))[0]!.n);

for (const [name, using] of [
  ["SQLite", withSqlite],
  ["PostgreSQL", withPostgres],
] as const) {
  describe(`epoch close barrier on ${name} (closer and ingest on separate stores of one database)`, () => {
    it("waits for a batch of the epoch in flight, which commits, and then every process refuses the epoch with EPOCH_CLOSED", async () => {
      await using(2, async (b) => {
        const held = gate(b.stores[0]!);
        const ingest = await ingestorOn(held.store);
        try {
          const closer = await ingestorOn(b.stores[1]!);
          const inFlight = submit(ingest, "in-flight", batchOf("barrier-a"));
          await held.reached;
          const closing = closer.closeThrough(0);
          assert.ok(await pendingAfter(closing, 300), "closeThrough waits for the batch in flight");
          held.open();
          assert.deepEqual(outcomes((await inFlight).answer), ["accepted", "accepted", "accepted"]);
          await closing;
          assert.equal(await receiptsOf(b, 0), 3, "the closer reads the batch it waited for");

          // The ingest process never called closeThrough itself: it reads the closed epoch from the database.
          const late = await submit(ingest, "late", batchOf("barrier-b"));
          assert.deepEqual(outcomes(late.answer), ["EPOCH_CLOSED", "EPOCH_CLOSED", "EPOCH_CLOSED"]);
          const restarted = await ingestorOn(b.stores[0]!);
          const again = await submit(restarted, "late-2", batchOf("barrier-c"));
          assert.deepEqual(outcomes(again.answer), ["EPOCH_CLOSED", "EPOCH_CLOSED", "EPOCH_CLOSED"]);
          const next = await submit(ingest, "next", batchOf("barrier-d", { seconds: EPOCH_SECONDS + 10 }));
          assert.deepEqual(outcomes(next.answer), ["accepted", "accepted", "accepted"]);
          assert.equal(await receiptsOf(b, 0), 3);
        } finally {
          held.open();
        }
      });
    });

    it("refuses a batch that starts while the closer waits (it queues behind the barrier and reads the raised epoch)", async () => {
      await using(3, async (b) => {
        const held = gate(b.stores[0]!);
        const first = await ingestorOn(held.store);
        try {
          const second = await ingestorOn(b.stores[2]!);
          const closer = await ingestorOn(b.stores[1]!);
          const inFlight = submit(first, "first", batchOf("queue-a"));
          await held.reached;
          const closing = closer.closeThrough(0);
          assert.ok(await pendingAfter(closing, 300));
          const queued = submit(second, "queued", batchOf("queue-b"));
          assert.ok(await pendingAfter(queued, 300), "a new batch waits behind the closer");
          held.open();
          assert.equal((await inFlight).answer.accepted, 3);
          await closing;
          assert.deepEqual(outcomes((await queued).answer), ["EPOCH_CLOSED", "EPOCH_CLOSED", "EPOCH_CLOSED"]);
          assert.equal(await receiptsOf(b, 0), 3);
        } finally {
          held.open();
        }
      });
    });

    it("never lowers the closed epoch (a second, older closeThrough changes nothing)", async () => {
      await using(2, async (b) => {
        const closer = await ingestorOn(b.stores[1]!);
        await closer.closeThrough(2);
        await closer.closeThrough(1);
        const rows = await b.query("SELECT value FROM ingest_state WHERE name = 'closed_through'");
        assert.equal(Number(rows[0]!.value), 2);
        const ingest = await ingestorOn(b.stores[0]!);
        const answer = await submit(ingest, "e2", batchOf("monotonic", { count: 1, seconds: 2 * EPOCH_SECONDS + 10 }));
        assert.deepEqual(outcomes(answer.answer), ["EPOCH_CLOSED"]);
        const later = await submit(ingest, "e3", batchOf("monotonic-3", { count: 1, seconds: 3 * EPOCH_SECONDS + 10 }));
        assert.deepEqual(outcomes(later.answer), ["accepted"]);
      });
    });
  });
}

describe("epoch close barrier on PostgreSQL under load (three ingest processes and a closer)", () => {
  it("holds every receipt of the epoch committed before closeThrough resolved and none after", async () => {
    await withPostgres(4, async (b) => {
      const ingestors = await Promise.all(b.stores.slice(0, 3).map((s) => ingestorOn(s)));
      const closer = await ingestorOn(b.stores[3]!);
      let stop = false;
      let closedAt: number | undefined;
      const acceptedAfter: string[] = [];
      const workers = ingestors.map(async (ingestor, p) => {
        let n = 0;
        while (!stop) {
          const key = `load-${p}-${n++}`;
          const sent = performance.now();
          const { answer } = await submit(ingestor, key, batchOf(`load-${p}-${n}`, { count: 20 }));
          // A batch sent after closeThrough resolved must not be credited to the closed epoch.
          if (closedAt !== undefined && sent > closedAt && answer.accepted > 0) acceptedAfter.push(key);
        }
        return n;
      });
      await new Promise((r) => setTimeout(r, 400));
      await closer.closeThrough(0);
      closedAt = performance.now();
      const atClose = await receiptsOf(b, 0);
      await new Promise((r) => setTimeout(r, 400));
      stop = true;
      const batches = await Promise.all(workers);
      assert.ok(
        batches.every((n) => n > 3),
        `every process kept sending (${batches})`,
      );
      assert.ok(atClose > 0);
      assert.deepEqual(acceptedAfter, []);
      assert.equal(await receiptsOf(b, 0), atClose, "nothing of epoch 0 committed after the barrier");
      const stats = await b.query("SELECT SUM(receipt_count) AS n FROM epoch_stats WHERE epoch = 0");
      assert.equal(Number(stats[0]!.n), atClose);
    });
  });
});
