import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadVerifierConfig } from "../../src/verifier/config/loadVerifierConfig.ts";
import { VerifierError } from "../../src/verifier/errors/VerifierError.ts";
import { makeDataDir } from "./helpers/startTestVerifier.ts";

const KEY = `0x${"ab".repeat(32)}`;
const DIST = `0x${"cd".repeat(20)}`;

function problemsOf(fn: () => unknown): { path: string; env?: string; text: string }[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof VerifierError, String(err));
    assert.equal(err.code, "CONFIG_INVALID");
    return err.data!.problems as { path: string; env?: string; text: string }[];
  }
  assert.fail("expected CONFIG_INVALID");
}

function write(value: unknown): { dir: string; file: string } {
  const dir = makeDataDir();
  const file = join(dir, "v.json");
  writeFileSync(file, JSON.stringify(value));
  return { dir, file };
}

describe("loadVerifierConfig", () => {
  it("reads the file, applies the environment on top and fills the defaults", () => {
    const { dir, file } = write({
      chain: { rpcUrl: "http://127.0.0.1:8545", distributor: DIST, fromBlock: "99" },
      storage: { dir: "./d" },
      claims: { tokenPerEth: { [`0x${"EF".repeat(20)}`]: "3000000000" } },
    });
    const c = loadVerifierConfig({
      file,
      env: {
        MESHPAY_VERIFIER_PRIVATE_KEY: KEY,
        MESHPAY_VERIFIER_HTTP_PORT: "9100",
        MESHPAY_RPC_URL: "wss://10.0.0.1:8546",
        MESHPAY_LOG_LEVEL: "warn",
        MESHPAY_LOG_BLOCK_RANGE: "500",
      },
    });
    assert.equal(c.rpcUrl, "wss://10.0.0.1:8546");
    assert.equal(c.http.port, 9100);
    assert.equal(c.http.publicUrl, "http://127.0.0.1:9100");
    assert.equal(c.dataDir, join(dir, "d"));
    assert.equal(c.startBlock, 99n);
    assert.equal(c.logBlockRange, 500n);
    assert.equal(c.logLevel, "warn");
    assert.equal(c.confirmations, 2);
    assert.equal(c.http.bodyLimitBytes, 4 * 1024 * 1024);
    assert.equal(c.claims.tokenPerEth.get(`0x${"ef".repeat(20)}`), 3_000_000_000n);
    assert.equal(c.audit.bundleDeadlineSeconds, undefined);
    assert.equal(c.audit.allowFileUris, false, "a public verifier must not read local paths an aggregator names");
  });

  it("lists every problem at once with CONFIG_INVALID, each with its path and variable", () => {
    const { file } = write({ chain: { logBlockRange: 0 }, http: { bodyLimit: 1 }, claims: { tokenPerEth: [] } });
    const problems = problemsOf(() =>
      loadVerifierConfig({ file, env: { MESHPAY_RPC_URL: "ftp://x", MESHPAY_VERIFIER_PRIVATE_KEY: "0x1234" } }),
    );
    assert.deepEqual(
      problems.map((p) => p.text),
      [
        "http.bodyLimit: unknown setting (known: host, port, publicUrl, maxBodyBytes)",
        'chain.rpcUrl (MESHPAY_RPC_URL): expected an http(s) or ws(s) URL, got "ftp://x"',
        "chain.distributor: required: a 0x-prefixed 20-byte hex address",
        "chain.logBlockRange: expected an integer in [1, 1000000] (blocks), got 0",
        "claims.tokenPerEth: expected an object of token address to integer amount (a decimal string), got []",
        "privateKey (MESHPAY_VERIFIER_PRIVATE_KEY): expected a 0x-prefixed 32-byte hex private key, got an invalid value",
      ],
    );
  });

  it("stays on SQLite without storage.url, and reads storage.url and storage.schema for PostgreSQL (never echoing the URL)", () => {
    const env = {
      MESHPAY_RPC_URL: "http://127.0.0.1:8545",
      MESHPAY_DISTRIBUTOR: DIST,
      MESHPAY_VERIFIER_PRIVATE_KEY: KEY,
    };
    assert.equal(loadVerifierConfig({ env }).postgres, undefined);
    const url = "postgres://meshpay:secret@db:5432/meshpay";
    assert.deepEqual(loadVerifierConfig({ env: { ...env, MESHPAY_VERIFIER_STORAGE_URL: url } }).postgres, {
      url,
      schema: "verifier",
    });
    const { file } = write({ storage: { url, schema: "ops_verifier" } });
    assert.deepEqual(loadVerifierConfig({ file, env }).postgres, { url, schema: "ops_verifier" });
    const problems = problemsOf(() =>
      loadVerifierConfig({
        env: {
          ...env,
          MESHPAY_VERIFIER_STORAGE_URL: "mysql://root:hunter2@db/x",
          MESHPAY_VERIFIER_STORAGE_SCHEMA: "a;b",
        },
      }),
    );
    assert.deepEqual(
      problems.map((p) => p.text),
      [
        "storage.url (MESHPAY_VERIFIER_STORAGE_URL): expected a postgres:// URL, got an invalid value",
        'storage.schema (MESHPAY_VERIFIER_STORAGE_SCHEMA): expected a lowercase SQL identifier (a-z, 0-9, _; not starting with a digit; at most 63 characters), got "a;b"',
      ],
    );
  });

  it("needs a key to challenge or relay claims, and none to only audit", () => {
    const env = { MESHPAY_RPC_URL: "http://127.0.0.1:8545", MESHPAY_DISTRIBUTOR: DIST };
    const [missing] = problemsOf(() => loadVerifierConfig({ env }));
    assert.equal(missing!.path, "privateKey");
    assert.match(missing!.text, /required to challenge or relay claims: set MESHPAY_VERIFIER_PRIVATE_KEY/);
    const { file } = write({ audit: { challenge: false }, claims: { enabled: false } });
    assert.equal(loadVerifierConfig({ file, env }).privateKey, undefined);
    const off = { ...env, MESHPAY_VERIFIER_AUDIT_CHALLENGE: "false", MESHPAY_VERIFIER_CLAIMS_ENABLED: "0" };
    assert.equal(loadVerifierConfig({ env: off }).privateKey, undefined, "the same from the environment");
  });

  it("still reads the old flat layout and variables, warning once each", () => {
    const { dir, file } = write({
      rpcUrl: "http://127.0.0.1:8545",
      distributor: DIST,
      startBlock: 7,
      logBlockRange: 300,
      dataDir: "./old",
      http: { bodyLimitBytes: 2048 },
      logLevel: "error",
    });
    const warnings: string[] = [];
    const c = loadVerifierConfig({
      file,
      env: { MESHPAY_VERIFIER_PRIVATE_KEY: KEY, MESHPAY_VERIFIER_PORT: "9300", LOG_LEVEL: "error" },
      warn: (m) => warnings.push(m),
    });
    assert.equal(c.startBlock, 7n);
    assert.equal(c.logBlockRange, 300n);
    assert.equal(c.dataDir, join(dir, "old"));
    assert.equal(c.http.bodyLimitBytes, 2048);
    assert.equal(c.http.port, 9300);
    assert.equal(c.logLevel, "error");
    assert.deepEqual(warnings.sort(), [
      "config key dataDir is deprecated; use storage.dir",
      "config key distributor is deprecated; use chain.distributor",
      "config key http.bodyLimitBytes is deprecated; use http.maxBodyBytes",
      "config key logBlockRange is deprecated; use chain.logBlockRange",
      "config key logLevel is deprecated; use log.level",
      "config key rpcUrl is deprecated; use chain.rpcUrl",
      "config key startBlock is deprecated; use chain.fromBlock",
      "environment variable LOG_LEVEL is deprecated; use MESHPAY_LOG_LEVEL",
      "environment variable MESHPAY_VERIFIER_PORT is deprecated; use MESHPAY_VERIFIER_HTTP_PORT",
    ]);
  });
});
