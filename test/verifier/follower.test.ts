import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createEpochDriver } from "./helpers/epochDriver.ts";
import { makeDataDir, startTestVerifier } from "./helpers/startTestVerifier.ts";
import { setupVerifierChain } from "./helpers/verifierChain.ts";

// The chain follower inside the service: confirmations, restarts, reorganisations.
describe("chain follower", () => {
  it("processes a post only once it has the configured confirmations", async () => {
    const chain = await setupVerifierChain();
    const driver = await createEpochDriver(chain);
    const verifier = await startTestVerifier(chain, { chain: { confirmations: 3 } });
    try {
      const v = chain.makeViewer();
      await driver.post(0n, {
        tickets: [v.ticket],
        receipts: v.receipts({ relay: chain.relays[0]!.address, epoch: 0n, count: 1 }),
      });
      await verifier.tick();
      assert.equal((await fetch(`${verifier.url}/v1/epochs/0`)).status, 404);
      await chain.mine(3);
      await verifier.tick();
      const e0 = await (await fetch(`${verifier.url}/v1/epochs/0`)).json();
      assert.equal(e0.audit.status, "ok");
    } finally {
      await verifier.close();
      await driver.close();
    }
  });

  it("catches up after downtime from the last block it processed", async () => {
    const chain = await setupVerifierChain();
    const driver = await createEpochDriver(chain);
    const dir = makeDataDir();
    let verifier = await startTestVerifier(chain, {}, dir);
    try {
      const v = chain.makeViewer();
      await driver.post(0n, {
        tickets: [v.ticket],
        receipts: v.receipts({ relay: chain.relays[0]!.address, epoch: 0n, count: 1 }),
      });
      await verifier.tick();
      const cursorBefore = (await verifier.follower.cursor()).number;
      await verifier.close();
      // While it is down: two more epochs.
      await driver.post(1n, {
        tickets: [v.ticket],
        receipts: v.receipts({ relay: chain.relays[1]!.address, epoch: 1n, count: 2 }),
      });
      await driver.post(2n, {
        tickets: [v.ticket],
        receipts: v.receipts({ relay: chain.relays[0]!.address, epoch: 2n, count: 1 }),
      });
      verifier = await startTestVerifier(chain, {}, dir);
      assert.equal((await verifier.follower.cursor()).number, cursorBefore, "the cursor was persisted");
      await verifier.tick();
      for (const e of [0, 1, 2]) {
        const body = await (await fetch(`${verifier.url}/v1/epochs/${e}`)).json();
        assert.equal(body.audit.status, "ok", `epoch ${e}`);
      }
      assert.equal((await verifier.store.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM posts"))?.n, 3);
    } finally {
      await verifier.close();
      await driver.close();
    }
  });

  it("rolls back a post that a reorganisation removed and follows the chain that replaced it", async () => {
    const chain = await setupVerifierChain();
    const driver = await createEpochDriver(chain);
    const verifier = await startTestVerifier(chain);
    try {
      const v = chain.makeViewer();
      const fork = (await chain.rpc("evm_snapshot", [])) as string;
      const a = await driver.post(0n, {
        tickets: [v.ticket],
        receipts: v.receipts({ relay: chain.relays[0]!.address, epoch: 0n, count: 1 }),
      });
      await verifier.tick();
      const before = await (await fetch(`${verifier.url}/v1/epochs/0`)).json();
      assert.equal(before.post.root, a.bundle.root);
      // Reorganisation: the blocks holding that post are replaced by a longer chain with another post of epoch 0.
      assert.equal(await chain.rpc("evm_revert", [fork]), true);
      driver.rejectFrom(0n);
      await chain.mine(2);
      const b = await driver.post(0n, {
        tickets: [v.ticket],
        receipts: v.receipts({ relay: chain.relays[1]!.address, epoch: 0n, count: 2 }),
      });
      assert.notEqual(a.bundle.root, b.bundle.root);
      await verifier.tick();
      const after = await (await fetch(`${verifier.url}/v1/epochs/0`)).json();
      assert.equal(after.post.root, b.bundle.root);
      assert.equal(after.audit.status, "ok");
      const posts = await verifier.store.sql.all<{ root: string }>("SELECT root FROM posts");
      assert.deepEqual(
        posts.map((p) => p.root),
        [b.bundle.root],
      );
      const metrics = await (await fetch(`${verifier.url}/metrics`)).text();
      assert.match(metrics, /meshpay_verifier_reorgs_total 1/);
    } finally {
      await verifier.close();
      await driver.close();
    }
  });
});
