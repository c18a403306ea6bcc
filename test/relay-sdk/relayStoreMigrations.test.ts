import assert from "node:assert/strict";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { RelaySdkError } from "../../src/relay-sdk/errors/RelaySdkError.ts";
import { openRelayStore } from "../../src/relay-sdk/relay/openRelayStore.ts";
import { relayStoreMigrations } from "../../src/relay-sdk/relay/relayStoreMigrations.ts";
import { domain, relayAddress, tempDir } from "./fixtures.ts";

const options = { relay: relayAddress, domain, synchronous: "FULL" as const, now: () => 1_000 };

describe("relay store migrations", () => {
  it("opens a file the relay SDK made before the shared migration helper, keeping its rows", () => {
    const tmp = tempDir();
    try {
      const path = tmp.file("relay.db");
      const old = new Database(path);
      old.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, " +
          "applied_at INTEGER NOT NULL) STRICT",
      );
      old.transaction(() => {
        for (const statement of relayStoreMigrations[0]!.statements) old.exec(statement);
        old.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, 'initial', 1)").run();
      })();
      old
        .prepare(
          "INSERT INTO tickets (ticket_hash, pool_id, viewer, signed_json, added_at) VALUES (?, 'p', 'v', '{}', 1)",
        )
        .run("0xkept");
      old.close();
      const store = openRelayStore(path, options);
      store.close();
      const db = new Database(path);
      assert.deepEqual(db.prepare("SELECT ticket_hash FROM tickets").pluck().all(), ["0xkept"]);
      assert.deepEqual(
        db.prepare("SELECT version FROM schema_migrations ORDER BY version").pluck().all(),
        relayStoreMigrations.map((m) => m.version),
      );
      assert.equal(db.pragma("user_version", { simple: true }), relayStoreMigrations.length);
      db.close();
    } finally {
      tmp.remove();
    }
  });

  it("refuses a file whose schema is newer than this SDK knows with STORE_SCHEMA_TOO_NEW", () => {
    const tmp = tempDir();
    try {
      const path = tmp.file("relay.db");
      openRelayStore(path, options).close();
      const newer = new Database(path);
      newer
        .prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 1)")
        .run(relayStoreMigrations.length + 1);
      newer.close();
      assert.throws(
        () => openRelayStore(path, options),
        (err) => err instanceof RelaySdkError && err.code === "STORE_SCHEMA_TOO_NEW",
      );
    } finally {
      tmp.remove();
    }
  });
});
