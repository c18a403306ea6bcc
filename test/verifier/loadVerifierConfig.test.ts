import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadVerifierConfig } from "../../src/verifier/config/loadVerifierConfig.ts";
import { VerifierError } from "../../src/verifier/errors/VerifierError.ts";
import { makeDataDir } from "./helpers/startTestVerifier.ts";

const KEY = `0x${"ab".repeat(32)}`;
const DIST = `0x${"cd".repeat(20)}`;

describe("loadVerifierConfig", () => {
  it("reads the file, applies the environment on top and fills the defaults", () => {
    const dir = makeDataDir();
    const file = join(dir, "v.json");
    writeFileSync(
      file,
      JSON.stringify({
        rpcUrl: "http://127.0.0.1:8545",
        distributor: DIST,
        dataDir: "./d",
        claims: { tokenPerEth: { [`0x${"EF".repeat(20)}`]: "3000000000" } },
      }),
    );
    const c = loadVerifierConfig({
      file,
      env: {
        MESHPAY_VERIFIER_PRIVATE_KEY: KEY,
        MESHPAY_VERIFIER_PORT: "9100",
        MESHPAY_RPC_URL: "http://10.0.0.1:8545",
      },
    });
    assert.equal(c.rpcUrl, "http://10.0.0.1:8545");
    assert.equal(c.http.port, 9100);
    assert.equal(c.http.publicUrl, "http://127.0.0.1:9100");
    assert.equal(c.dataDir, join(dir, "d"));
    assert.equal(c.confirmations, 2);
    assert.equal(c.claims.tokenPerEth.get(`0x${"ef".repeat(20)}`), 3_000_000_000n);
    assert.equal(c.audit.bundleDeadlineSeconds, undefined);
    assert.equal(c.audit.allowFileUris, false, "a public verifier must not read local paths an aggregator names");
  });

  it("lists every problem at once with CONFIG_INVALID", () => {
    assert.throws(
      () => loadVerifierConfig({ env: { MESHPAY_RPC_URL: "ftp://x", MESHPAY_VERIFIER_PRIVATE_KEY: "0x1234" } }),
      (err: unknown) => {
        assert.ok(err instanceof VerifierError);
        assert.equal(err.code, "CONFIG_INVALID");
        const problems = err.data!.problems as string[];
        assert.ok(problems.some((p) => p.startsWith("rpcUrl must be")));
        assert.ok(problems.some((p) => p.startsWith("distributor (or MESHPAY_DISTRIBUTOR) is required")));
        assert.ok(problems.some((p) => p.includes("MESHPAY_VERIFIER_PRIVATE_KEY must be")));
        return true;
      },
    );
  });

  it("needs a key to challenge or relay claims, and none to only audit", () => {
    const env = { MESHPAY_RPC_URL: "http://127.0.0.1:8545", MESHPAY_DISTRIBUTOR: DIST };
    assert.throws(() => loadVerifierConfig({ env }), /MESHPAY_VERIFIER_PRIVATE_KEY is required/);
    const dir = makeDataDir();
    const file = join(dir, "audit-only.json");
    writeFileSync(file, JSON.stringify({ audit: { challenge: false }, claims: { enabled: false } }));
    assert.equal(loadVerifierConfig({ file, env }).privateKey, undefined);
  });
});
