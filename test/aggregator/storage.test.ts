import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { getTableConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { backupDatabase } from "../../src/aggregator/storage/backupDatabase.ts";
import { migrations } from "../../src/aggregator/storage/migrations.ts";
import { applyMigrations, openDatabase } from "../../src/aggregator/storage/openDatabase.ts";
import * as schema from "../../src/aggregator/storage/schema.ts";
import { makeWorkDir } from "./helpers/aggregatorProcess.ts";

const dir = makeWorkDir("storage");

describe("aggregator storage", () => {
  it("creates every table and index the drizzle schema declares, with the same columns", () => {
    const { sqlite, close } = openDatabase(join(dir, "a.db"));
    try {
      const tables = (Object.values(schema) as unknown[]).filter(
        (t): t is SQLiteTable => typeof t === "object" && t !== null && Symbol.for("drizzle:Name") in t,
      );
      assert.ok(tables.length >= 10);
      for (const table of tables) {
        const config = getTableConfig(table);
        const columns = (
          sqlite.prepare(`PRAGMA table_info(${config.name})`).all() as { name: string; notnull: number }[]
        )
          .map((c) => c.name)
          .sort();
        assert.deepEqual(columns, config.columns.map((c) => c.name).sort(), `columns of ${config.name}`);
        const indexes = (sqlite.prepare(`PRAGMA index_list(${config.name})`).all() as { name: string }[]).map(
          (i) => i.name,
        );
        for (const idx of config.indexes) assert.ok(indexes.includes(idx.config.name), `index ${idx.config.name}`);
      }
    } finally {
      close();
    }
  });

  it("opens in WAL mode with synchronous FULL and applies each migration once", () => {
    const path = join(dir, "b.db");
    const first = openDatabase(path);
    assert.equal(first.sqlite.pragma("journal_mode", { simple: true }), "wal");
    assert.equal(first.sqlite.pragma("synchronous", { simple: true }), 2, "FULL");
    first.close();
    const again = openDatabase(path);
    assert.deepEqual(applyMigrations(again.sqlite), [], "nothing left to apply");
    const versions = again.sqlite.prepare("SELECT version FROM schema_migrations ORDER BY version").pluck().all();
    assert.deepEqual(
      versions,
      migrations.map((m) => m.version),
    );
    again.close();
  });

  it("opens a file the aggregator made before the shared migration helper, keeping its rows", () => {
    const path = join(dir, "old.db");
    const old = new Database(path);
    old.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`);
    old.transaction(() => {
      for (const statement of migrations[0]!.statements) old.exec(statement);
      old.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, 'initial', 1)").run();
    })();
    old.prepare("INSERT INTO chain_state (key, value) VALUES ('cursor', '42')").run();
    old.close();
    const opened = openDatabase(path);
    assert.deepEqual(opened.sqlite.prepare("SELECT value FROM chain_state").pluck().all(), ["42"]);
    assert.deepEqual(
      opened.sqlite.prepare("SELECT version FROM schema_migrations ORDER BY version").pluck().all(),
      migrations.map((m) => m.version),
    );
    assert.equal(opened.sqlite.pragma("user_version", { simple: true }), migrations.length);
    opened.close();
  });

  it("refuses a file whose schema is newer than this aggregator knows", () => {
    const path = join(dir, "newer.db");
    openDatabase(path).close();
    const newer = new Database(path);
    newer
      .prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 1)")
      .run(migrations.length + 1);
    newer.close();
    assert.throws(() => openDatabase(path), /newer than this aggregator knows .*upgrade the aggregator/);
  });

  it("enforces the receipt uniqueness key (ticketHash, segment, chunk) in the database itself", () => {
    const { sqlite, close } = openDatabase(join(dir, "c.db"));
    const insert = sqlite.prepare(
      `INSERT INTO receipts (epoch, receipt_id, pool_id, ticket_hash, relay, segment, chunk, chunk_hash, size, delivered_at, signature, accepted_at)
       VALUES (0, ?, '0xp', '0xt', ?, '5', 1, '0xc', 10, 1, '0xs', 1)`,
    );
    insert.run("0x01", "0xr1");
    assert.throws(
      () => insert.run("0x02", "0xr2"),
      (err: { code?: string }) => err.code === "SQLITE_CONSTRAINT_UNIQUE",
    );
    close();
  });

  it("backs up online, consistently, while the aggregator keeps writing (and from the command line)", async () => {
    const path = join(dir, "d.db");
    const { sqlite, close } = openDatabase(path);
    const insert = sqlite.prepare("INSERT INTO chain_state (key, value) VALUES (?, 'x')");
    sqlite.transaction(() => {
      for (let i = 0; i < 20_000; i++) insert.run(`k${i}`);
    })();
    let n = 20_000;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        sqlite.transaction(() => {
          for (let i = 0; i < 100; i++) insert.run(`k${n++}`);
        })();
        await new Promise((r) => setImmediate(r));
      }
    })();
    const copy = join(dir, "backup", "d-copy.db");
    await backupDatabase(path, copy);
    writing = false;
    await writer;
    const b = new Database(copy, { readonly: true });
    const rows = b.prepare("SELECT COUNT(*) FROM chain_state").pluck().get() as number;
    assert.equal(b.pragma("integrity_check", { simple: true }), "ok");
    b.close();
    close();
    assert.ok(rows >= 20_000 && rows <= n && rows % 100 === 0, `a committed state (${rows} rows)`);

    const config = join(dir, "backup.json");
    writeFileSync(
      config,
      JSON.stringify({
        storage: { path },
        chain: { rpcUrl: "http://127.0.0.1:1", distributor: `0x${"11".repeat(20)}` },
      }),
    );
    const to = join(dir, "backup", "cli.db");
    const r = spawnSync(
      resolve(import.meta.dirname, "../../node_modules/.bin/node"),
      [resolve(import.meta.dirname, "../../src/aggregator/main.ts"), "backup", "--config", config, "--to", to],
      {
        encoding: "utf8",
        env: { PATH: process.env.PATH },
        timeout: 20_000,
      },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(to));
  });
});
