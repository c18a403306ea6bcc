import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { getTableColumns, getTableName } from "drizzle-orm";
import { migrations } from "../../src/verifier/storage/migrations.ts";
import { openVerifierStore } from "../../src/verifier/storage/openVerifierStore.ts";
import * as schema from "../../src/verifier/storage/schema.ts";
import { makeDataDir } from "./helpers/startTestVerifier.ts";

describe("openVerifierStore", () => {
  it("creates the file in WAL mode, migrates once, and the drizzle schema matches the tables", () => {
    const path = join(makeDataDir(), "nested", "verifier.db");
    const store = openVerifierStore(path);
    assert.equal(store.sqlite.pragma("journal_mode", { simple: true }), "wal");
    assert.equal(store.sqlite.pragma("user_version", { simple: true }), migrations.length);
    for (const table of Object.values(schema)) {
      const name = getTableName(table);
      const actual = (store.sqlite.prepare(`PRAGMA table_info(${name})`).all() as { name: string }[])
        .map((c) => c.name)
        .sort();
      const declared = Object.values(getTableColumns(table))
        .map((c) => c.name)
        .sort();
      assert.deepEqual(actual, declared, `table ${name}`);
      assert.deepEqual(store.db.select().from(table).all(), []);
    }
    store.close();
    const again = openVerifierStore(path);
    assert.equal(again.sqlite.pragma("user_version", { simple: true }), migrations.length);
    again.close();
  });

  it("keeps one live claim per authorization nonce, but lets a failed one be replaced", () => {
    const store = openVerifierStore(join(makeDataDir(), "verifier.db"));
    const insert = (id: string, status: string) =>
      store.sqlite
        .prepare(
          "INSERT INTO claims (id, status, pool_id, account, recipient, max_fee, nonce, deadline, signature, " +
            "created_at, updated_at) VALUES (?, ?, 'p', 'a', 'r', '1', '0', 1, 's', 0, 0)",
        )
        .run(id, status);
    insert("c1", "failed");
    insert("c2", "queued");
    assert.throws(() => insert("c3", "queued"), /UNIQUE/);
    store.close();
  });

  it("opens a file written when the verifier tracked its schema in PRAGMA user_version, keeping its rows", () => {
    const path = join(makeDataDir(), "verifier.db");
    const old = new Database(path);
    for (const statement of migrations[0]!.statements) old.exec(statement);
    old.pragma("user_version = 1");
    old.prepare("INSERT INTO kv (key, value) VALUES ('cursor', '{}')").run();
    old.close();
    const store = openVerifierStore(path);
    assert.deepEqual(store.sqlite.prepare("SELECT value FROM kv WHERE key = 'cursor'").pluck().all(), ["{}"]);
    assert.deepEqual(
      store.sqlite.prepare("SELECT version FROM schema_migrations ORDER BY version").pluck().all(),
      migrations.map((m) => m.version),
    );
    assert.equal(store.sqlite.pragma("user_version", { simple: true }), migrations.length);
    store.close();
  });

  it("refuses a file whose schema is newer than this verifier knows", () => {
    const path = join(makeDataDir(), "verifier.db");
    const newer = new Database(path);
    newer.pragma(`user_version = ${migrations.length + 1}`);
    newer.close();
    assert.throws(() => openVerifierStore(path), /newer than this verifier knows .*upgrade the verifier/);
  });
});
