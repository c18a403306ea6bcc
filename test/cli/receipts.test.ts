// `meshpay receipts` as a real process over a real relay store: the relay SDK collected receipts, submitted some to
// a real HTTP aggregator (the relay SDK tests' aggregator), which accepted some and rejected one; two are not sent yet.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { createRelay } from "../../src/relay-sdk/relay/createRelay.ts";
import type { Relay } from "../../src/relay-sdk/relay/types.ts";
import {
  domain,
  epochParams,
  makeSession,
  pool,
  poolId,
  relayAddress,
  serverNowMs,
  tempDir,
} from "../relay-sdk/fixtures.ts";
import { startTestAggregator, type TestAggregator } from "../relay-sdk/testAggregator.ts";
import { cli } from "./helpers/runCli.ts";

describe("meshpay receipts (relay operators)", () => {
  const dir = tempDir("meshpay-cli-receipts-");
  const store = dir.file("relay.sqlite");
  const run = cli({ cwd: dir.dir });
  let aggregator: TestAggregator;
  let relay: Relay;

  before(async () => {
    aggregator = await startTestAggregator({ domain, pools: [pool], epochParams, nowMs: serverNowMs });
    relay = await createRelay({
      dbPath: store,
      aggregatorUrl: aggregator.url,
      relay: relayAddress,
      domain,
      retry: { baseDelayMs: 0, maxAttempts: 2 },
    });
    const viewer = makeSession();
    const elsewhere = makeSession({ poolId: `0x${"b2".repeat(32)}` }, 2);
    await relay.addTicket(viewer.ticket);
    await relay.addTicket(elsewhere.ticket);
    for (let chunk = 0; chunk < 5; chunk++) await relay.addReceipt(viewer.sign(0, chunk).signed);
    await relay.addReceipt(elsewhere.sign(0, 0).signed); // a pool the aggregator does not know: rejected
    const flushed = await relay.flush();
    assert.equal(flushed.complete, true);
    for (let chunk = 5; chunk < 7; chunk++) await relay.addReceipt(viewer.sign(0, chunk).signed); // not sent yet
  });
  after(async () => {
    await relay?.close();
    await aggregator?.close();
    dir.remove();
  });

  it("reports what the store holds: stored, not sent yet, submitted, accepted per pool and epoch, rejected", async () => {
    const r = await run(["--json", "receipts", "--store", store]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = r.json();
    assert.equal(out.relay, relayAddress);
    const counts = Object.fromEntries(
      Object.entries(out.totals).map(([k, v]) => [k, (v as { receipts: number }).receipts]),
    );
    assert.deepEqual(counts, {
      stored: 8,
      pending: 2,
      submitted: 6,
      submitting: 0,
      accepted: 5,
      rejected: 1,
      failed: 0,
    });
    assert.deepEqual(out.batches, { open: 0, done: 1, failed: 0 });
    const accepted = out.byPool.find((b: { status: string }) => b.status === "accepted");
    assert.deepEqual([accepted.poolId, accepted.epoch, accepted.receipts], [poolId, 0, 5]);

    const newest = await run(["--json", "receipts", "--store", store, "--list", "all", "--limit", "3"]);
    assert.equal(newest.code, 0, newest.stderr);
    assert.deepEqual(
      newest.json().receipts.map((r: { status: string; poolId: string }) => [r.status, r.poolId]),
      [
        ["pending", poolId],
        ["pending", poolId],
        ["rejected", `0x${"b2".repeat(32)}`],
      ],
    );

    const human = await run(["receipts", "--store", store, "--list", "rejected"]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /stored\s+8/);
    assert.match(human.stdout, / {2}accepted\s+5/);
    assert.match(human.stdout, /0x[0-9a-f]{64}\s+rejected\s+-\s+\d+\s+POOL_UNKNOWN/);
  });

  it("fails clearly without a store or on a file that is not one (exit 1), and on a bad --list (exit 2)", async () => {
    const missing = await run(["--json", "receipts", "--store", dir.file("nope.sqlite")]);
    assert.equal(missing.code, 1);
    assert.equal(missing.json().error.code, "STORE_UNAVAILABLE");
    const plain = new Database(dir.file("notes.sqlite"));
    plain.exec("CREATE TABLE notes (text TEXT)");
    plain.close();
    const notAStore = await run(["--json", "receipts", "--store", dir.file("notes.sqlite")]);
    assert.equal(notAStore.code, 1);
    assert.equal(notAStore.json().error.code, "STORE_UNAVAILABLE");
    assert.match(notAStore.json().error.message, /is not a relay store/);
    const bad = await run(["receipts", "--store", store, "--list", "everything"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--list takes one of pending, submitting, accepted, rejected, failed, all/);
  });
});
