import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { migratePostgresDatabase } from "../../src/aggregator/storage/migratePostgresDatabase.ts";
import { migrateVerifierPostgresDatabase } from "../../src/verifier/storage/migrateVerifierPostgresDatabase.ts";
import { migrations } from "../../src/verifier/storage/migrations.ts";
import * as schema from "../../src/verifier/storage/schema.ts";
import { assertPostgresMatchesDrizzle } from "../aggregator/helpers/assertPostgresMatchesDrizzle.ts";
import { withPostgresSchema } from "../aggregator/helpers/withPostgresSchema.ts";

const versions = migrations.map((m) => m.version);

describe("verifier storage on PostgreSQL: migrations from the SQLite definition", () => {
  it("creates every table and index the drizzle schema declares, with the same columns, types and nullability", async () => {
    await withPostgresSchema(async (s) => {
      const client = await s.connect();
      try {
        assert.deepEqual(await migrateVerifierPostgresDatabase(client), versions);
        assert.ok((await assertPostgresMatchesDrizzle(client, s.name, schema)) >= 10);
      } finally {
        await client.end();
      }
    });
  });

  it("keeps the chain's own keys (block numbers, challenge ids) as given and numbers transactions itself", async () => {
    await withPostgresSchema(async (s) => {
      const client = await s.connect();
      try {
        await migrateVerifierPostgresDatabase(client);
        await client.query("INSERT INTO blocks (number, hash) VALUES (12345, '0xb')");
        await client.query(
          `INSERT INTO challenges (id, epoch, challenger, bond, evidence_hash, evidence_uri, opened_block, tx_hash, status)
           VALUES (7, 1, '0xc', '1', '0xe', 'http://e', 3, '0xt', 'open')`,
        );
        assert.deepEqual((await client.query("SELECT number FROM blocks")).rows, [{ number: "12345" }]);
        assert.deepEqual((await client.query("SELECT id FROM challenges")).rows, [{ id: "7" }]);
        const insertTx = `INSERT INTO transactions (kind, ref, nonce, hash, raw, gas_price, gas_limit, status,
            created_at, updated_at) VALUES ('claims', 'r', $1, '0xh', '0xraw', '1', '1', 'signed', 0, 0) RETURNING id`;
        const first = Number((await client.query<{ id: string }>(insertTx, [0])).rows[0]!.id);
        await client.query("DELETE FROM transactions");
        const second = Number((await client.query<{ id: string }>(insertTx, [1])).rows[0]!.id);
        assert.ok(second > first, "an id is never reused, even after a delete (AUTOINCREMENT on SQLite)");
        await client.query(
          "INSERT INTO evidence (hash, post_id, epoch, fault, bytes, created_at) VALUES ('0x1', 'p', 1, 'f', $1, 0)",
          [Buffer.from([0, 1, 255])],
        );
        const bytes = (await client.query<{ bytes: Buffer }>("SELECT bytes FROM evidence")).rows[0]!.bytes;
        assert.deepEqual([...bytes], [0, 1, 255]);
      } finally {
        await client.end();
      }
    });
  });

  it("applies each migration once, also when several processes start against one schema at once", async () => {
    await withPostgresSchema(async (s) => {
      const clients = await Promise.all([1, 2, 3].map(() => s.connect()));
      try {
        const results = await Promise.all(clients.map((c) => migrateVerifierPostgresDatabase(c)));
        assert.deepEqual(results.flat().sort(), versions, `applied once in all: ${JSON.stringify(results)}`);
        assert.deepEqual(await migrateVerifierPostgresDatabase(clients[0]!), []);
      } finally {
        await Promise.all(clients.map((c) => c.end()));
      }
    });
  });

  it("upgrades a version-1 schema, keeping its posts (their released amounts null)", async () => {
    await withPostgresSchema(async (s) => {
      const client = await s.connect();
      try {
        await migrateVerifierPostgresDatabase(client);
        // Back to version 1: drop what version 2 added.
        await client.query("ALTER TABLE posts DROP COLUMN released");
        await client.query("ALTER TABLE challenges DROP COLUMN post_seq");
        await client.query("DELETE FROM schema_migrations WHERE version > 1");
        await client.query(
          `INSERT INTO posts (id, epoch, aggregator, root, bundle_hash, bundle_uri, pool_totals, data_hash, block_number,
             block_hash, tx_hash, log_index, posted_at_s) VALUES ('p1', 3, '0xa', '0xr', '0xb', 'u', '[]', '0xd', 9,
             '0xbh', '0xt', 0, 100)`,
        );
        assert.deepEqual(await migrateVerifierPostgresDatabase(client), versions.slice(1));
        const rows = await client.query("SELECT id, released FROM posts");
        assert.deepEqual(rows.rows, [{ id: "p1", released: null }]);
      } finally {
        await client.end();
      }
    });
  });

  it("refuses a schema whose version is newer than the verifier, and one that holds the aggregator's tables", async () => {
    await withPostgresSchema(async (s) => {
      const client = await s.connect();
      try {
        await migrateVerifierPostgresDatabase(client);
        await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)");
        await assert.rejects(
          migrateVerifierPostgresDatabase(client),
          /newer than this verifier knows .*upgrade the verifier/,
        );
      } finally {
        await client.end();
      }
    });
    await withPostgresSchema(async (s) => {
      const client = await s.connect();
      try {
        await migratePostgresDatabase(client);
        await assert.rejects(
          migrateVerifierPostgresDatabase(client),
          /holds another store's tables .*give the verifier a schema of its own \(storage\.schema\)/,
        );
      } finally {
        await client.end();
      }
    });
  });
});
