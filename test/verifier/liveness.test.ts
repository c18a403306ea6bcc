import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { freePort, type Proc, startHardhatNode, startVerifierProcess, waitFor } from "./helpers/processes.ts";
import { makeDataDir, writeVerifierConfig } from "./helpers/startTestVerifier.ts";
import { setupVerifierChain } from "./helpers/verifierChain.ts";

// A verifier whose RPC goes away must be taken out of rotation (/readyz 503), not restarted (/livez stays 200):
// a restart would not bring the RPC back, and one single health endpoint would have it killed in a loop.
describe("verifier liveness and readiness", () => {
  let node: (Proc & { url: string }) | undefined;
  let verifier: Proc | undefined;
  after(async () => {
    await verifier?.stop("SIGKILL");
    await node?.stop("SIGKILL");
  });

  it("stays live and turns unready when its RPC goes down", { timeout: 120_000 }, async () => {
    node = await startHardhatNode();
    const chain = await setupVerifierChain({ rpcUrl: node.url });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const configFile = writeVerifierConfig(makeDataDir(), chain, {
      chain: { rpcUrl: node.url, confirmations: 1, pollIntervalMs: 150 },
      http: { host: "127.0.0.1", port },
      log: { level: "warn" },
    });
    verifier = await startVerifierProcess({
      configFile,
      env: { MESHPAY_VERIFIER_PRIVATE_KEY: chain.verifierKey },
      url,
    });
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
    assert.equal((await fetch(`${url}/livez`)).status, 200);

    await node.stop("SIGKILL");
    node = undefined;
    const unready = await waitFor(
      "/readyz to answer 503",
      async () => {
        const r = await fetch(`${url}/readyz`);
        return r.status === 503 ? ((await r.json()) as { ok: boolean; lastError: string | null }) : undefined;
      },
      60_000,
    );
    assert.equal(unready.ok, false);
    assert.equal((await fetch(`${url}/healthz`)).status, 503);
    const live = await fetch(`${url}/livez`);
    assert.equal(live.status, 200);
    assert.deepEqual(await live.json(), { ok: true });
  });
});
