import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { prepareEpoch } from "../../../src/aggregator/epoch/prepareEpoch.ts";
import { MAX_POOL_TOTALS } from "../../../src/protocol/constants.ts";
import type { Hex } from "../../../src/protocol/types.ts";
import { makeWorkDir } from "../helpers/aggregatorProcess.ts";
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
} from "../helpers/seedReceipts.ts";

// One post lists at most maxPoolTotals() (128) pool totals, so ingest refuses the receipts of a 129th pool in one
// epoch with EPOCH_POOL_LIMIT, through the real pipeline on a real SQLite file, and the epoch still posts every receipt
// it accepted.
const POOLS = MAX_POOL_TOTALS + 2;
const poolIdOf = (i: number): Hex => `0x${"a1".repeat(20)}${i.toString(16).padStart(24, "0")}`;
const R1 = addressOf(keyFor("pool-limit-relay-1"));
const R2 = addressOf(keyFor("pool-limit-relay-2"));
const R3 = addressOf(keyFor("pool-limit-relay-3"));
const T0 = BigInt(GENESIS) * 1000n;
const at = (seconds: number) => T0 + BigInt(seconds) * 1000n;

type Response = Awaited<ReturnType<Awaited<ReturnType<typeof createSeeder>>["submit"]>>;
const codesOf = (r: Response) => r.results.map((x) => (x.errors ?? []).map((e) => e.code).join(",") || x.status);

describe("EPOCH_POOL_LIMIT at ingest (real ingest pipeline, SQLite file)", () => {
  const dir = makeWorkDir("pool-limit");
  const dbPath = join(dir, "agg.db");
  let now = Number(at(600));
  const pools = Array.from({ length: POOLS }, (_, i) =>
    pool(poolIdOf(i + 1), addressOf(keyFor("pool-limit-ts")), 10n ** 9n),
  );
  let seeder: Awaited<ReturnType<typeof createSeeder>>;
  const sessions: ReturnType<typeof seeder.session>[] = [];
  /** Pool `n`'s (1-based) receipt of `chunk` in segment `segment`, delivered at `seconds` after genesis. */
  const receipt = (n: number, relay: Hex, segment: bigint, chunk: number, seconds: number) =>
    sessions[n - 1]!.receipt({ relay, segment, chunk, size: 1_000_000, deliveredAt: at(seconds) }).json;
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  before(async () => {
    seeder = await createSeeder(dbPath, pools, () => now);
    for (let n = 1; n <= POOLS; n++)
      sessions.push(seeder.session({ poolId: poolIdOf(n), ticketSigner: "pool-limit-ts", viewer: `pool-limit-v${n}` }));
  });
  after(() => seeder.close());

  it("refuses a 129th pool's receipts in one epoch, counting pools within a batch, and loses none already accepted", async () => {
    // 100 pools in one batch, then 28 more and a 129th in another: the limit counts what the batch itself adds.
    const first = await seeder.submit(
      R1,
      range(1, 100).map((n) => sessions[n - 1]!.signedTicket),
      range(1, 100).map((n) => receipt(n, R1, 1n, 0, 10)),
    );
    assert.equal(first.accepted, 100);
    const second = await seeder.submit(
      R2,
      range(101, 129).map((n) => sessions[n - 1]!.signedTicket),
      [...range(101, 129).map((n) => receipt(n, R2, 2n, 0, 20)), receipt(1, R2, 2n, 0, 21)],
    );
    assert.deepEqual(codesOf(second), [...range(101, 128).map(() => "accepted"), "EPOCH_POOL_LIMIT", "accepted"]);
    assert.equal(second.accepted, 29, "28 new pools and a pool the epoch already pays");
    const refused = second.results[28]!;
    assert.equal(refused.status, "rejected");
    assert.equal(refused.errors![0]!.code, "EPOCH_POOL_LIMIT");
    assert.equal((refused.errors![0] as { field?: string }).field, "receipt.poolId");

    // A relay's retry (with its ticket: a ticket is stored only with an accepted receipt) is refused the same way, and
    // so is a 130th pool; pools the epoch pays keep being taken.
    const third = await seeder.submit(
      R2,
      [sessions[128]!.signedTicket, sessions[129]!.signedTicket],
      [receipt(129, R2, 2n, 0, 20), receipt(130, R2, 3n, 0, 30), receipt(128, R2, 3n, 1, 31)],
    );
    assert.deepEqual(codesOf(third), ["EPOCH_POOL_LIMIT", "EPOCH_POOL_LIMIT", "accepted"]);

    // The next epoch takes the refused pools.
    now = Number(at(EPOCH_SECONDS + 60));
    const next = await seeder.submit(
      R2,
      [sessions[128]!.signedTicket, sessions[129]!.signedTicket],
      [receipt(129, R2, 4n, 0, EPOCH_SECONDS + 10), receipt(130, R2, 4n, 1, EPOCH_SECONDS + 11)],
    );
    assert.deepEqual(codesOf(next), ["accepted", "accepted"]);

    const db = new Database(dbPath, { readonly: true });
    try {
      const perEpoch = db
        .prepare("SELECT epoch, COUNT(*) AS receipts, COUNT(DISTINCT pool_id) AS pools FROM receipts GROUP BY epoch")
        .all();
      assert.deepEqual(perEpoch, [
        { epoch: 0, receipts: 130, pools: MAX_POOL_TOTALS },
        { epoch: 1, receipts: 2, pools: 2 },
      ]);
      const stats = db.prepare("SELECT COUNT(*) AS n FROM epoch_stats WHERE epoch = 0").get() as { n: number };
      assert.equal(stats.n, MAX_POOL_TOTALS);
      const ticket129 = db
        .prepare("SELECT bytes_accepted FROM tickets WHERE ticket_hash = ?")
        .get(sessions[128]!.ticketHash) as { bytes_accepted: number };
      assert.equal(ticket129.bytes_accepted, 1_000_000, "only the accepted epoch-1 receipt counts against maxBytes");
    } finally {
      db.close();
    }
  });

  it("keeps refusing after a restart (the limit is read from the stored epoch totals)", async () => {
    seeder.close();
    now = Number(at(EPOCH_SECONDS + 90));
    seeder = await createSeeder(dbPath, pools, () => now);
    // A relay this database has no idempotent answers for (the new seeder's keys start again at seed-0).
    const late = await seeder.submit(
      R3,
      [sessions[129]!.signedTicket],
      [receipt(130, R3, 5n, 0, 40), receipt(2, R3, 5n, 1, 41)],
    );
    assert.deepEqual(codesOf(late), ["EPOCH_POOL_LIMIT", "accepted"]);
  });

  it("closes the epoch with one pool total per paid pool and every accepted receipt in the bundle", async () => {
    const result = await prepareEpoch({
      source: { engine: "sqlite", path: dbPath },
      bundleDir: join(dir, "bundles"),
      epoch: 0,
      attempt: 1,
      chainId: CHAIN_ID,
      distributor: DISTRIBUTOR,
      genesisTime: GENESIS,
      epochSeconds: EPOCH_SECONDS,
      graceSeconds: GRACE,
      snapshotBlock: 7,
      pools: pools.map((p) => ({ poolId: p.poolId, pricePerGB: "1000000000", available: "1000000000" })),
      signerHistories: [],
      previous: null,
      tamper: null,
    });
    assert.equal(result.poolTotals.length, MAX_POOL_TOTALS);
    assert.equal(result.receiptCount, 131, "130 before the restart and one after");
    const listed = new Set(result.poolTotals.map((t) => t.poolId));
    assert.ok(!listed.has(poolIdOf(129)) && !listed.has(poolIdOf(130)));
    assert.equal(
      result.poolTotals.find((t) => t.poolId === poolIdOf(1))!.amount,
      "2000000",
      "pool 1's second receipt (after the limit) is paid",
    );
  });
});
