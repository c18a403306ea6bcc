import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { migratePostgresDatabase } from "../../src/aggregator/storage/migratePostgresDatabase.ts";
import { migrations } from "../../src/aggregator/storage/migrations.ts";
import * as schema from "../../src/aggregator/storage/schema.ts";
import { applyPostgresMigrations } from "../../src/protocol/node/applyPostgresMigrations.ts";
import { toPostgresStatement } from "../../src/protocol/node/toPostgresStatement.ts";
import { assertPostgresMatchesDrizzle } from "./helpers/assertPostgresMatchesDrizzle.ts";
import { withPostgresSchema } from "./helpers/withPostgresSchema.ts";

const versions = migrations.map((m) => m.version);

describe("aggregator storage on PostgreSQL: migrations from the SQLite definition", () => {
  it("creates every table and index the drizzle schema declares, with the same columns and nullability", async () => {
    await withPostgresSchema(async (s) => {
      const client = await s.connect();
      try {
        assert.deepEqual(await migratePostgresDatabase(client), versions);
        assert.ok(versions.length >= 2);
        assert.ok((await assertPostgresMatchesDrizzle(client, s.name, schema)) >= 10);
      } finally {
        await client.end();
      }
    });
  });

  it("applies each migration once and records it, so a second start applies nothing", async () => {
    await withPostgresSchema(async (s) => {
      const client = await s.connect();
      try {
        await migratePostgresDatabase(client);
        assert.deepEqual(await migratePostgresDatabase(client), []);
        const versions = await client.query<{ version: string }>(
          "SELECT version FROM schema_migrations ORDER BY version",
        );
        assert.deepEqual(
          versions.rows.map((r) => Number(r.version)),
          migrations.map((m) => m.version),
        );
      } finally {
        await client.end();
      }
    });
  });

  it("runs each migration exactly once when several processes start against one database at once", async () => {
    await withPostgresSchema(async (s) => {
      const clients = await Promise.all([1, 2, 3, 4].map(() => s.connect()));
      try {
        const results = await Promise.all(clients.map((c) => migratePostgresDatabase(c)));
        assert.deepEqual(results.flat().sort(), versions, `applied once in all: ${JSON.stringify(results)}`);
      } finally {
        await Promise.all(clients.map((c) => c.end()));
      }
    });
  });

  it("upgrades a version-1 database to the re-post column, keeping its posts (their replaced data null)", async () => {
    await withPostgresSchema(async (s) => {
      const client = await s.connect();
      try {
        const v1 = await applyPostgresMigrations(client, migrations.slice(0, 1), {
          lockKey: "meshpay.aggregator.migrations",
          tooNew: () => new Error("too new"),
        });
        assert.deepEqual(v1, [1]);
        await client.query(
          `INSERT INTO epoch_posts (epoch, attempt, state, root, bundle_hash, file_hash, bundle_uri, bundle_path,
             bundle_bytes, leaves_offset, servable, snapshot_block, previous_bundle_hash, pool_totals, receipt_count,
             ticket_count, leaf_count, created_at, updated_at)
           VALUES (3, 1, 'mined', '0xr', '0xb', '0xf', 'http://x', 'p', 10, 2, 1, 7, '0x0', '[]', 0, 0, 0, 1, 1)`,
        );
        assert.deepEqual(await migratePostgresDatabase(client), versions.slice(1));
        const rows = await client.query<{ epoch: string; state: string; replaced: string | null }>(
          "SELECT epoch, state, replaced FROM epoch_posts",
        );
        assert.deepEqual(rows.rows, [{ epoch: "3", state: "mined", replaced: null }]);
        await client.query("UPDATE epoch_posts SET replaced = $1 WHERE epoch = 3", ['{"dataHash":"0x1"}']);
        const updated = await client.query<{ replaced: string }>("SELECT replaced FROM epoch_posts");
        assert.equal(updated.rows[0]!.replaced, '{"dataHash":"0x1"}');
      } finally {
        await client.end();
      }
    });
  });

  it("refuses a database whose schema is newer than the aggregator", async () => {
    await withPostgresSchema(async (s) => {
      const client = await s.connect();
      try {
        await migratePostgresDatabase(client);
        await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)");
        await assert.rejects(
          migratePostgresDatabase(client),
          /newer than this aggregator knows .*upgrade the aggregator/,
        );
      } finally {
        await client.end();
      }
    });
  });

  it("keeps receipts in acceptance order and their uniqueness key enforced by the database", async () => {
    await withPostgresSchema(async (s) => {
      const client = await s.connect();
      try {
        await migratePostgresDatabase(client);
        const insert = `INSERT INTO receipts (epoch, receipt_id, pool_id, ticket_hash, relay, segment, chunk,
            chunk_hash, size, delivered_at, signature, accepted_at)
          VALUES (1, $1, '0xp', '0xt', '0xr', '18446744073709551615', $2, '0xc', 1000, 1700000000000, '0xs', 0)
          ON CONFLICT (ticket_hash, segment, chunk) DO NOTHING`;
        assert.equal((await client.query(insert, ["0xa", 0])).rowCount, 1);
        assert.equal((await client.query(insert, ["0xb", 1])).rowCount, 1);
        assert.equal((await client.query(insert, ["0xdup", 0])).rowCount, 0, "same uniqueness key is refused");
        const rows = await client.query<{ id: string; receipt_id: string }>(
          "SELECT id, receipt_id FROM receipts ORDER BY id",
        );
        assert.deepEqual(
          rows.rows.map((r) => r.receipt_id),
          ["0xa", "0xb"],
        );
        assert.ok(Number(rows.rows[0]!.id) < Number(rows.rows[1]!.id));
        await assert.rejects(
          client.query("INSERT INTO receipts (id, epoch) VALUES (5, 1)"),
          /cannot insert a non-DEFAULT value into column "id"|null value/,
        );
      } finally {
        await client.end();
      }
    });
  });
});

describe("toPostgresStatement", () => {
  it("rewrites the rowid key, widens INTEGER to BIGINT and drops STRICT", () => {
    assert.equal(
      toPostgresStatement("CREATE TABLE x (\n id INTEGER PRIMARY KEY NOT NULL,\n n INTEGER NOT NULL\n) STRICT"),
      "CREATE TABLE x (\n id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n n BIGINT NOT NULL\n)",
    );
  });

  it("refuses SQLite-only syntax instead of translating it wrongly", () => {
    for (const sql of [
      "CREATE TABLE x (id INTEGER PRIMARY KEY AUTOINCREMENT)",
      "CREATE TABLE x (b BLOB)",
      "CREATE TABLE x (a TEXT PRIMARY KEY) WITHOUT ROWID",
      "PRAGMA user_version = 3",
    ]) {
      assert.throws(
        () => toPostgresStatement(sql),
        (e: Error & { code?: string }) => e.code === "NOT_PORTABLE",
        sql,
      );
    }
  });
});
