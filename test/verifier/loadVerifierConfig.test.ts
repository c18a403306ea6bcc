import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadVerifierConfig } from "../../src/verifier/config/loadVerifierConfig.ts";
import { VerifierError } from "../../src/verifier/errors/VerifierError.ts";
import { makeDataDir } from "./helpers/startTestVerifier.ts";

const KEY = `0x${"ab".repeat(32)}`;
const DIST = `0x${"cd".repeat(20)}`;

function problemsOf(fn: () => unknown): { path: string; env?: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof VerifierError, String(err));
    assert.equal(err.code, "CONFIG_INVALID");
    return err.data!.problems as { path: string; env?: string; message: string }[];
  }
  assert.fail("expected CONFIG_INVALID");
}

describe("loadVerifierConfig", () => {
  it("reads the file, applies the environment on top and fills the defaults", () => {
    const dir = makeDataDir();
    const file = join(dir, "v.json");
    writeFileSync(
      file,
      JSON.stringify({
        chain: { rpcUrl: "http://127.0.0.1:8545", distributor: DIST },
        storage: { dir: "./d" },
        claims: { tokenPerEth: { [`0x${"EF".repeat(20)}`]: "3000000000" } },
      }),
    );
    const c = loadVerifierConfig({
      file,
      env: {
        MESHPAY_VERIFIER_PRIVATE_KEY: KEY,
        MESHPAY_VERIFIER_HTTP_PORT: "9100",
        MESHPAY_RPC_URL: "http://10.0.0.1:8545",
        MESHPAY_LOG_LEVEL: "debug",
        MESHPAY_FROM_BLOCK: "42",
      },
      warn: () => assert.fail("no deprecated name was used"),
    });
    assert.equal(c.rpcUrl, "http://10.0.0.1:8545");
    assert.equal(c.http.port, 9100);
    assert.equal(c.http.publicUrl, "http://127.0.0.1:9100");
    assert.equal(c.dataDir, join(dir, "d"));
    assert.equal(c.confirmations, 2);
    assert.equal(c.logBlockRange, 2000n);
    assert.equal(c.logLevel, "debug");
    assert.equal(c.startBlock, 42n);
    assert.equal(c.claims.tokenPerEth.get(`0x${"ef".repeat(20)}`), 3_000_000_000n);
    assert.equal(c.audit.bundleDeadlineSeconds, undefined);
    assert.equal(c.audit.allowFileUris, false, "a public verifier must not read local paths an aggregator names");
  });

  it("lists every problem at once with CONFIG_INVALID, each with its path and the variable it came from", () => {
    const problems = problemsOf(() =>
      loadVerifierConfig({
        env: { MESHPAY_RPC_URL: "ftp://x", MESHPAY_VERIFIER_PRIVATE_KEY: "0x1234", MESHPAY_LOG_LEVEL: "loud" },
      }),
    );
    assert.deepEqual(problems.map((p) => p.path).sort(), [
      "chain.distributor",
      "chain.rpcUrl",
      "log.level",
      "privateKey",
    ]);
    assert.equal(problems.find((p) => p.path === "chain.rpcUrl")!.env, "MESHPAY_RPC_URL");
    assert.match(problems.find((p) => p.path === "chain.distributor")!.message, /^required: /);
    assert.ok(!JSON.stringify(problems).includes("0x1234"), "a wrong key is not echoed");
  });

  it("still reads the old flat keys and variables (startBlock, dataDir, LOG_LEVEL, ...), warning for each", () => {
    const dir = makeDataDir();
    const file = join(dir, "old.json");
    writeFileSync(
      file,
      JSON.stringify({
        rpcUrl: "ws://127.0.0.1:8546",
        distributor: DIST,
        startBlock: 7,
        dataDir: "./old",
        logBlockRange: 10,
      }),
    );
    const warnings: string[] = [];
    const c = loadVerifierConfig({
      file,
      env: { MESHPAY_VERIFIER_PRIVATE_KEY: KEY, LOG_LEVEL: "warn", MESHPAY_VERIFIER_PORT: "9101" },
      warn: (m) => warnings.push(m),
    });
    assert.equal(c.rpcUrl, "ws://127.0.0.1:8546");
    assert.equal(c.startBlock, 7n);
    assert.equal(c.dataDir, join(dir, "old"));
    assert.equal(c.logBlockRange, 10n);
    assert.equal(c.logLevel, "warn");
    assert.equal(c.http.port, 9101);
    assert.deepEqual(warnings.sort(), [
      "config key dataDir is deprecated; use storage.dir",
      "config key distributor is deprecated; use chain.distributor",
      "config key logBlockRange is deprecated; use chain.logBlockRange",
      "config key rpcUrl is deprecated; use chain.rpcUrl",
      "config key startBlock is deprecated; use chain.fromBlock",
      "environment variable LOG_LEVEL is deprecated; use MESHPAY_LOG_LEVEL",
      "environment variable MESHPAY_VERIFIER_PORT is deprecated; use MESHPAY_VERIFIER_HTTP_PORT",
    ]);
  });

  it("needs a key to challenge or relay claims, and none to only audit", () => {
    const env = { MESHPAY_RPC_URL: "http://127.0.0.1:8545", MESHPAY_DISTRIBUTOR: DIST };
    assert.deepEqual(
      problemsOf(() => loadVerifierConfig({ env })).map((p) => p.path),
      ["privateKey"],
    );
    const dir = makeDataDir();
    const file = join(dir, "audit-only.json");
    writeFileSync(file, JSON.stringify({ audit: { challenge: false }, claims: { enabled: false } }));
    assert.equal(loadVerifierConfig({ file, env }).privateKey, undefined);
  });
});
