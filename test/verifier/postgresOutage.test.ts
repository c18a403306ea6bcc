import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { testPostgresUrl, withPostgresSchema } from "../aggregator/helpers/withPostgresSchema.ts";
import { createEpochDriver } from "./helpers/epochDriver.ts";
import { startTestVerifier } from "./helpers/startTestVerifier.ts";
import { startTcpProxy } from "./helpers/tcpProxy.ts";
import { setupVerifierChain } from "./helpers/verifierChain.ts";

// The verifier on PostgreSQL reached through a TCP proxy the test cuts and restores.
describe("the verifier on PostgreSQL, when the database goes away", () => {
  it("answers 503 SERVICE_UNAVAILABLE with Retry-After while it is cut, keeps what it stored, and carries on once it is back", () =>
    withPostgresSchema(async (s) => {
      const target = new URL(testPostgresUrl);
      const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
      target.host = `127.0.0.1:${proxy.port}`;
      const chain = await setupVerifierChain();
      const driver = await createEpochDriver(chain);
      const verifier = await startTestVerifier(chain, {
        storage: { dir: "./data", url: target.toString(), schema: s.name },
      });
      try {
        const v = chain.makeViewer();
        const relay = chain.relays[0]!.address;
        await driver.post(0n, { tickets: [v.ticket], receipts: v.receipts({ relay, epoch: 0n, count: 2 }) });
        await verifier.tick();
        assert.equal((await (await fetch(`${verifier.url}/v1/epochs/0`)).json()).audit.status, "ok");

        proxy.cut();
        const refused = await fetch(`${verifier.url}/v1/epochs/0`);
        assert.equal(refused.status, 503);
        assert.equal(refused.headers.get("retry-after"), "2");
        assert.equal((await refused.json()).code, "SERVICE_UNAVAILABLE");
        // Epoch 1 is posted while the database is away: the round fails (and says why), nothing half-done.
        await driver.post(1n, { tickets: [v.ticket], receipts: v.receipts({ relay, epoch: 1n, count: 2 }) });
        await verifier.tick();
        const ready = await (await fetch(`${verifier.url}/readyz`)).json();
        assert.match(String(ready.lastError), /PostgreSQL is unavailable/);

        proxy.restore();
        await verifier.tick();
        for (const epoch of [0, 1]) {
          const body = await (await fetch(`${verifier.url}/v1/epochs/${epoch}`)).json();
          assert.equal(body.audit?.status, "ok", `epoch ${epoch}: ${JSON.stringify(body)}`);
        }
        const readyAgain = await fetch(`${verifier.url}/readyz`);
        assert.equal(readyAgain.status, 200);
      } finally {
        proxy.restore();
        await verifier.close();
        await driver.close();
        await proxy.close();
      }
    }));
});
