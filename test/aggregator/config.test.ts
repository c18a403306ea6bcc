import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { loadConfig } from "../../src/aggregator/config/loadConfig.ts";
import { AggregatorError } from "../../src/aggregator/errors/AggregatorError.ts";
import { makeWorkDir } from "./helpers/aggregatorProcess.ts";

const root = resolve(import.meta.dirname, "../..");
const dir = makeWorkDir("config");
const KEY = `0x${"ab".repeat(32)}`;
const DIST = `0x${"cd".repeat(20)}`;

function write(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AggregatorError, String(err));
    assert.equal(err.code, "CONFIG_INVALID");
    return err.data!.field as string;
  }
  assert.fail("expected CONFIG_INVALID");
}

describe("aggregator configuration", () => {
  const minimal = { chain: { rpcUrl: "http://127.0.0.1:8545", distributor: DIST } };

  it("reads the file, applies defaults, resolves paths against the file and lets MESHPAY_* variables win", () => {
    const file = write("ok.json", { ...minimal, storage: { path: "data/a.db" }, http: { port: 9000 } });
    const c = loadConfig({
      file,
      env: { MESHPAY_AGGREGATOR_PRIVATE_KEY: KEY, MESHPAY_AGGREGATOR_HTTP_PORT: "9100" },
    });
    assert.equal(c.http.port, 9100);
    assert.equal(c.http.publicUrl, "http://127.0.0.1:9100");
    assert.equal(c.storage.path, join(dir, "data/a.db"));
    assert.equal(c.storage.synchronous, "FULL");
    assert.equal(c.posting.privateKey, KEY);
    assert.equal(c.ingest.maxReceiptsPerBatch, 5000);
    assert.equal(c.http.maxBodyBytes, 4 * 1024 * 1024);
  });

  it("selects PostgreSQL with storage.url (schema public unless storage.schema), SQLite without it", () => {
    const env = { MESHPAY_AGGREGATOR_PRIVATE_KEY: KEY };
    const sqlite = loadConfig({ file: write("sq.json", minimal), env });
    assert.equal(sqlite.storage.url, undefined);
    assert.equal(sqlite.storage.schema, "public");
    const url = "postgres://meshpay:s3cret@db.internal:5432/meshpay";
    const pgFile = loadConfig({ file: write("pg.json", { ...minimal, storage: { url, schema: "agg_1" } }), env });
    assert.deepEqual([pgFile.storage.url, pgFile.storage.schema], [url, "agg_1"]);
    const fromEnv = loadConfig({
      file: write("pg2.json", minimal),
      env: { ...env, MESHPAY_AGGREGATOR_STORAGE_URL: url },
    });
    assert.deepEqual([fromEnv.storage.url, fromEnv.storage.schema], [url, "public"]);
    assert.equal(
      fieldOf(() => loadConfig({ file: write("pg3.json", { ...minimal, storage: { schema: "Agg; DROP" } }), env })),
      "storage.schema",
    );
    // A wrong URL is refused without echoing it (it may hold a password).
    try {
      loadConfig({ file: write("pg4.json", { ...minimal, storage: { url: "mysql://u:hunter2@h/db" } }), env });
      assert.fail("a mysql:// URL was accepted");
    } catch (err) {
      assert.ok(err instanceof AggregatorError && err.code === "CONFIG_INVALID", String(err));
      assert.equal(err.data!.field, "storage.url");
      assert.doesNotMatch(JSON.stringify({ m: err.message, d: err.data }), /hunter2/);
    }
  });

  it("refuses fault settings (file or environment), naming the field and the test entry point that has them", () => {
    const env = { MESHPAY_AGGREGATOR_PRIVATE_KEY: KEY };
    const refused = (options: Parameters<typeof loadConfig>[0]) => {
      try {
        loadConfig(options);
      } catch (err) {
        assert.ok(err instanceof AggregatorError && err.code === "CONFIG_INVALID", String(err));
        assert.match(err.shortMessage, /scripts\/faults\/faultyAggregatorMain\.ts/);
        return err.data!.field as string;
      }
      assert.fail("a fault setting was accepted");
    };
    const fault = { kind: "inflate-bytes", epoch: 1 };
    assert.equal(refused({ file: write("fault.json", { ...minimal, fault }), env }), "fault");
    assert.equal(refused({ file: write("null-fault.json", { ...minimal, fault: null }), env }), "fault");
    assert.equal(
      refused({ file: write("m.json", minimal), env: { ...env, MESHPAY_FAULT: "inflate-bytes:3" } }),
      "fault",
    );
    const crash = { ...minimal, testing: { crashAt: "after-broadcast" } };
    assert.equal(refused({ file: write("crash.json", crash), env }), "testing.crashAt");
  });

  it("names the field of every invalid setting", () => {
    const env = { MESHPAY_AGGREGATOR_PRIVATE_KEY: KEY };
    assert.equal(
      fieldOf(() => loadConfig({ file: write("a.json", { chain: { rpcUrl: "http://x" } }), env })),
      "chain.distributor",
    );
    assert.equal(
      fieldOf(() => loadConfig({ file: write("b.json", { chain: { ...minimal.chain, distributor: "0x12" } }), env })),
      "chain.distributor",
    );
    assert.equal(
      fieldOf(() => loadConfig({ file: write("c.json", { ...minimal, http: { port: 70000 } }), env })),
      "http.port",
    );
    assert.equal(
      fieldOf(() =>
        loadConfig({ file: write("f.json", { ...minimal, chain: { ...minimal.chain, rpcUrl: "ftp://x" } }), env }),
      ),
      "chain.rpcUrl",
    );
    assert.equal(
      fieldOf(() => loadConfig({ file: write("g.json", { ...minimal, storage: { synchronous: "OFF" } }), env })),
      "storage.synchronous",
    );
    assert.equal(
      fieldOf(() => loadConfig({ file: write("h.json", { ...minimal, http: { prot: 1 } }), env })),
      "http.prot",
    );
    assert.equal(
      fieldOf(() => loadConfig({ file: write("i.json", "{ not json"), env })),
      "(file)",
    );
    assert.equal(
      fieldOf(() => loadConfig({ file: write("j.json", minimal), env: {} })),
      "privateKey",
    );
    assert.equal(
      fieldOf(() => loadConfig({ file: write("k.json", minimal), env: { MESHPAY_AGGREGATOR_PRIVATE_KEY: "0x1234" } })),
      "privateKey",
    );
    assert.equal(
      fieldOf(() =>
        loadConfig({ file: write("l.json", minimal), env: { ...env, MESHPAY_AGGREGATOR_HTTP_PORT: "eighty" } }),
      ),
      "http.port",
    );
  });

  it("lists every wrong setting at once, each with its path, and names the variable a wrong value came from", () => {
    const file = write("many.json", {
      chain: { rpcUrl: "ftp://x" },
      http: { port: 70000, prot: 1 },
      storage: { synchronous: "OFF" },
    });
    try {
      loadConfig({ file, env: { MESHPAY_AGGREGATOR_PRIVATE_KEY: "0x1234", MESHPAY_CONFIRMATIONS: "many" } });
      assert.fail("expected CONFIG_INVALID");
    } catch (err) {
      assert.ok(err instanceof AggregatorError, String(err));
      assert.equal(err.code, "CONFIG_INVALID");
      const problems = err.data!.problems as { path: string; env?: string; message: string }[];
      assert.deepEqual(problems.map((p) => p.path).sort(), [
        "chain.confirmations",
        "chain.distributor",
        "chain.rpcUrl",
        "http.port",
        "http.prot",
        "privateKey",
        "storage.synchronous",
      ]);
      assert.equal(problems.find((p) => p.path === "chain.confirmations")!.env, "MESHPAY_CONFIRMATIONS");
      assert.equal(problems.find((p) => p.path === "privateKey")!.env, "MESHPAY_AGGREGATOR_PRIVATE_KEY");
      assert.ok(!err.shortMessage.includes("0x1234"), "a wrong key is not echoed");
      assert.match(err.shortMessage, /http\.port: expected an integer in \[0, 65535\], got 70000/);
    }
  });

  it("still reads deprecated names (logChunkBlocks, posting.privateKey, MESHPAY_HTTP_PORT), warning once for each", () => {
    const warnings: string[] = [];
    const file = write("old.json", {
      chain: { ...minimal.chain, logChunkBlocks: 700 },
      posting: { privateKey: KEY },
    });
    const c = loadConfig({ file, env: { MESHPAY_HTTP_PORT: "9200" }, warn: (m) => warnings.push(m) });
    assert.equal(c.chain.logBlockRange, 700);
    assert.equal(c.posting.privateKey, KEY);
    assert.equal(c.http.port, 9200);
    assert.deepEqual(warnings.sort(), [
      "config key chain.logChunkBlocks is deprecated; use chain.logBlockRange",
      "config key posting.privateKey is deprecated; use privateKey",
      "environment variable MESHPAY_HTTP_PORT is deprecated; use MESHPAY_AGGREGATOR_HTTP_PORT",
    ]);
    const both = write("both.json", { chain: { ...minimal.chain, logChunkBlocks: 700, logBlockRange: 800 } });
    assert.equal(
      fieldOf(() => loadConfig({ file: both, env: { MESHPAY_AGGREGATOR_PRIVATE_KEY: KEY } })),
      "chain.logChunkBlocks",
    );
  });

  it("lets the shared variables (MESHPAY_LOG_LEVEL, MESHPAY_FROM_BLOCK, MESHPAY_LOG_BLOCK_RANGE) override the file", () => {
    const file = write("env.json", { ...minimal, log: { level: "info" }, chain: { ...minimal.chain, fromBlock: 5 } });
    const c = loadConfig({
      file,
      env: {
        MESHPAY_AGGREGATOR_PRIVATE_KEY: KEY,
        MESHPAY_LOG_LEVEL: "debug",
        MESHPAY_FROM_BLOCK: "12345678901234567890",
        MESHPAY_LOG_BLOCK_RANGE: "100",
        MESHPAY_AGGREGATOR_STORAGE_PATH: "rel.db",
      },
      cwd: "/srv",
      warn: () => assert.fail("no deprecated name was used"),
    });
    assert.equal(c.log.level, "debug");
    assert.equal(c.chain.fromBlock, 12345678901234567890n);
    assert.equal(c.chain.logBlockRange, 100);
    assert.equal(c.storage.path, "/srv/rel.db", "a path from the environment is relative to the cwd");
  });

  it("refuses an old name set beside its new one (a file key, or a variable with another value)", () => {
    const env = { MESHPAY_AGGREGATOR_PRIVATE_KEY: KEY };
    const both = { chain: { ...minimal.chain, logChunkBlocks: 900, logBlockRange: 800 } };
    assert.equal(
      fieldOf(() => loadConfig({ file: write("both.json", both), env, warn: () => {} })),
      "chain.logChunkBlocks",
    );
    const twoPorts = { ...env, MESHPAY_HTTP_PORT: "1", MESHPAY_AGGREGATOR_HTTP_PORT: "2" };
    assert.equal(
      fieldOf(() => loadConfig({ file: write("both-env.json", minimal), env: twoPorts, warn: () => {} })),
      "http.port",
    );
  });

  it("exits with code 2 and a message naming the field when started with an invalid file", () => {
    const file = write("bad.json", { ...minimal, chain: { ...minimal.chain, pollIntervalMs: -5 } });
    const r = spawnSync(
      resolve(root, "node_modules/.bin/node"),
      [resolve(root, "src/aggregator/main.ts"), "--config", file],
      {
        encoding: "utf8",
        env: { PATH: process.env.PATH, MESHPAY_AGGREGATOR_PRIVATE_KEY: KEY },
        timeout: 20_000,
      },
    );
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /CONFIG_INVALID: Invalid configuration: chain\.pollIntervalMs/);
    assert.ok(!r.stderr.includes(KEY.slice(2)), "the key is never printed");
  });
});
