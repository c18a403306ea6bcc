import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import {
  type AggregatorProcess,
  aggregatorConfig,
  freePort,
  makeWorkDir,
  startAggregatorProcess,
} from "./helpers/aggregatorProcess.ts";

describe("aggregator liveness and readiness", () => {
  let agg: AggregatorProcess | undefined;
  after(async () => {
    await agg?.kill("SIGKILL");
  });

  it("is live but not ready while its RPC is unreachable (a restart would not help, so /livez stays 200)", async () => {
    const dir = makeWorkDir("liveness");
    const config = aggregatorConfig({
      dir,
      port: await freePort(),
      rpcUrl: `http://127.0.0.1:${await freePort()}`, // nothing listens there
      distributor: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      fromBlock: 0n,
      overrides: { posting: { enabled: false }, log: { level: "warn" } },
    });
    agg = await startAggregatorProcess({ dir, config, waitReady: false });
    let live: Response | undefined;
    for (let i = 0; i < 300 && !live; i++) {
      live = await fetch(`${agg.url}/livez`).catch(() => undefined);
      if (!live) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(live, `the aggregator never answered /livez: ${readFileSync(agg.logPath, "utf8")}`);
    assert.equal(live.status, 200);
    assert.deepEqual(await live.json(), { ok: true });
    for (const path of ["/readyz", "/healthz"]) {
      const r: Response = await fetch(`${agg.url}${path}`);
      assert.equal(r.status, 503, path);
    }
    assert.equal((await fetch(`${agg.url}/livez`, { method: "POST" })).status, 405);
  });
});
