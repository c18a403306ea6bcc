import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readDeployment } from "../../src/cli/deployment/readDeployment.ts";
import type { CliError } from "../../src/cli/errors/CliError.ts";
import { resolveAggregatorUrl } from "../../src/cli/rewards/resolveAggregatorUrl.ts";

const FLAG = "http://flag.example:8080";
const ENV = { MESHPAY_AGGREGATOR_URL: "https://env.example" };
const FILE = { aggregatorUrl: "https://file.example/api/" };

describe("which aggregator rewards and claim read", () => {
  it("--aggregator, else MESHPAY_AGGREGATOR_URL, else the deployment file's aggregatorUrl, else none", () => {
    assert.equal(resolveAggregatorUrl(FLAG, ENV, FILE), FLAG);
    assert.equal(resolveAggregatorUrl(undefined, ENV, FILE), ENV.MESHPAY_AGGREGATOR_URL);
    assert.equal(resolveAggregatorUrl(undefined, {}, FILE), FILE.aggregatorUrl);
    assert.equal(resolveAggregatorUrl(undefined, { MESHPAY_AGGREGATOR_URL: "" }, FILE), FILE.aggregatorUrl);
    assert.equal(resolveAggregatorUrl(undefined, {}, {}), undefined);
  });

  it("none with --no-aggregator, whatever is configured", () => {
    assert.equal(resolveAggregatorUrl(false, ENV, FILE), undefined);
  });

  it("USAGE for a URL that is not http(s), naming where it came from", () => {
    assert.throws(
      () => resolveAggregatorUrl("ftp://x", {}, {}),
      (e: CliError) => e.code === "USAGE" && /--aggregator must be an http\(s\) URL/.test(e.shortMessage),
    );
    assert.throws(
      () => resolveAggregatorUrl(undefined, { MESHPAY_AGGREGATOR_URL: "not a url" }, {}),
      (e: CliError) => e.code === "USAGE" && /MESHPAY_AGGREGATOR_URL must be/.test(e.shortMessage),
    );
  });

  it("the deployment file may record aggregatorUrl; one that is not an http(s) URL makes it invalid", () => {
    const dir = mkdtempSync(join(tmpdir(), "meshpay-deployment-"));
    const base = {
      format: "meshpay-deployment",
      version: 1,
      chainId: 31337,
      rpcUrl: "http://127.0.0.1:8545",
      distributor: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
      fromBlock: "0",
    };
    const file = join(dir, "deployment.json");
    writeFileSync(file, JSON.stringify({ ...base, aggregatorUrl: "https://aggregator.example" }));
    assert.equal(readDeployment(file).aggregatorUrl, "https://aggregator.example");
    writeFileSync(file, JSON.stringify({ ...base, aggregatorUrl: "aggregator.example" }));
    assert.throws(
      () => readDeployment(file),
      (e: CliError) => e.code === "DEPLOYMENT_INVALID" && /aggregatorUrl must be an http\(s\) URL/.test(e.shortMessage),
    );
  });
});
