import assert from "node:assert/strict";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { applyMigrations, type Migration } from "../../src/protocol/node/applyMigrations.ts";

const tooNew = (found: number, known: number) => new Error(`schema ${found} is newer than ${known}`);
const first: Migration = { version: 1, name: "first", statements: ["CREATE TABLE a (x INTEGER)"] };
const second: Migration = {
  version: 2,
  name: "second",
  statements: ["CREATE TABLE b (y INTEGER)", "INSERT INTO a (x) VALUES (7)"],
};
const tables = (db: Database.Database) =>
  db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
const recorded = (db: Database.Database) =>
  db.prepare("SELECT version, name, applied_at FROM schema_migrations ORDER BY version").all();

describe("applyMigrations", () => {
  it("runs each migration once, in order, records it and mirrors the latest version in user_version", () => {
    const db = new Database(":memory:");
    assert.deepEqual(applyMigrations(db, [first], { tooNew, now: () => 5 }), [1]);
    assert.deepEqual(applyMigrations(db, [first], { tooNew }), []);
    assert.deepEqual(applyMigrations(db, [first, second], { tooNew, now: () => 9 }), [2]);
    assert.deepEqual(recorded(db), [
      { version: 1, name: "first", applied_at: 5 },
      { version: 2, name: "second", applied_at: 9 },
    ]);
    assert.equal(db.pragma("user_version", { simple: true }), 2);
    assert.deepEqual(db.prepare("SELECT x FROM a").pluck().all(), [7]);
    assert.deepEqual(tables(db), ["a", "b", "schema_migrations"]);
  });

  it("rolls a failing migration back whole and records nothing for it", () => {
    const db = new Database(":memory:");
    applyMigrations(db, [first], { tooNew });
    const broken: Migration = { version: 2, name: "broken", statements: ["CREATE TABLE c (z)", "NOT SQL"] };
    assert.throws(() => applyMigrations(db, [first, broken], { tooNew }), /syntax error/);
    assert.deepEqual(tables(db), ["a", "schema_migrations"]);
    assert.deepEqual(
      recorded(db).map((r) => (r as { version: number }).version),
      [1],
    );
    assert.equal(db.pragma("user_version", { simple: true }), 1);
  });

  it("counts a file that recorded only PRAGMA user_version = N as having run versions 1..N", () => {
    const db = new Database(":memory:");
    db.exec(first.statements[0]!);
    db.pragma("user_version = 1");
    assert.deepEqual(applyMigrations(db, [first, second], { tooNew }), [2]);
    assert.deepEqual(
      recorded(db).map((r) => (r as { name: string }).name),
      ["first", "second"],
    );
  });

  it("refuses a file newer than the migrations it is given, whichever way it recorded its version", () => {
    const byTable = new Database(":memory:");
    applyMigrations(byTable, [first, second], { tooNew });
    assert.throws(() => applyMigrations(byTable, [first], { tooNew }), /schema 2 is newer than 1/);
    const byPragma = new Database(":memory:");
    byPragma.pragma("user_version = 3");
    assert.throws(() => applyMigrations(byPragma, [first], { tooNew }), /schema 3 is newer than 1/);
    assert.deepEqual(tables(byPragma), [], "nothing created in a refused file");
  });

  it("rejects a migration list whose versions do not count up from 1", () => {
    const db = new Database(":memory:");
    assert.throws(() => applyMigrations(db, [second], { tooNew }), /has version 2, expected 1/);
  });
});
