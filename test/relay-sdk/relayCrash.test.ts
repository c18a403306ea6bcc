import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import type { Hex } from "../../src/protocol/types.ts";
import { createRelay } from "../../src/relay-sdk/relay/createRelay.ts";
import { domain, epochParams, pool, relayAddress, serverNowMs, tempDir } from "./fixtures.ts";
import { type Fault, startTestAggregator } from "./testAggregator.ts";

const childScript = new URL("./relayCrashChild.ts", import.meta.url).pathname;
const tmp = tempDir("meshpay-relay-crash-");
after(() => tmp.remove());

/**
 * Runs the child relay; `onLine` sees each stdout line and may return true to SIGKILL it at once.
 * Resolves with every line read (lines written before the kill included) and the exit signal.
 */
function runChild(args: object, onLine: (line: string, lines: string[]) => boolean | Promise<boolean>) {
  const child = spawn(process.execPath, [childScript], {
    env: { ...process.env, MESHPAY_RELAY_CRASH_CHILD: JSON.stringify(args) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const lines: string[] = [];
  const rl = createInterface({ input: child.stdout });
  rl.on("line", async (line) => {
    lines.push(line);
    if (child.exitCode === null && child.signalCode === null && (await onLine(line, lines))) child.kill("SIGKILL");
  });
  return new Promise<{ lines: string[]; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on("close", (_code, signal) => resolve({ lines, signal, stderr }));
  });
}

describe("relay crash safety (real child process, SIGKILL)", () => {
  it("loses no receipt whose addReceipt had resolved when the process was killed", { timeout: 30_000 }, async () => {
    const dbPath = tmp.file("add.sqlite");
    const server = await startTestAggregator({ domain, pools: [pool], epochParams, nowMs: serverNowMs });
    try {
      const killAfter = 25;
      const run = await runChild(
        { dbPath, aggregatorUrl: server.url, mode: "add", count: 5000, seed: 11 },
        (_line, lines) => lines.length === killAfter,
      );
      assert.equal(run.signal, "SIGKILL", run.stderr);
      const acked = run.lines.filter((l) => l.startsWith("ack ")).map((l) => l.slice(4) as Hex);
      assert.ok(acked.length >= killAfter && acked.length < 5000, `${acked.length} acknowledged`);

      const check = new Database(dbPath, { readonly: true });
      assert.equal(check.pragma("integrity_check", { simple: true }), "ok");
      check.close();

      const relay = await createRelay({
        dbPath,
        aggregatorUrl: server.url,
        relay: relayAddress,
        domain,
        retry: { baseDelayMs: 1, maxDelayMs: 5 },
      });
      try {
        for (const id of acked) assert.equal(relay.getReceipt(id)?.status, "pending", id);
        const stored = relay.stats().receipts.total;
        assert.ok(stored >= acked.length);
        const res = await relay.flush();
        assert.equal(res.complete, true);
        assert.equal(relay.stats().receipts.accepted, stored);
        for (const id of acked) assert.equal(server.acceptCount.get(id), 1);
      } finally {
        await relay.close();
      }
    } finally {
      await server.close();
    }
  });

  it("a batch in flight when the process was killed is resent with the same key and body; each receipt accepted once", {
    timeout: 30_000,
  }, async () => {
    const dbPath = tmp.file("flush.sqlite");
    const faults: Fault[] = [{ kind: "hold" }];
    const server = await startTestAggregator({ domain, pools: [pool], epochParams, nowMs: serverNowMs, faults });
    try {
      const run = await runChild(
        { dbPath, aggregatorUrl: server.url, mode: "flush", count: 8, seed: 12 },
        async (line) => {
          if (line !== "flushing") return false;
          await server.waitForHeld();
          return true;
        },
      );
      assert.equal(run.signal, "SIGKILL", run.stderr);
      assert.ok(!run.lines.includes("done"));
      server.release();
      assert.equal(server.requests.length, 1);
      const acked = run.lines.filter((l) => l.startsWith("ack ")).map((l) => l.slice(4) as Hex);
      assert.equal(acked.length, 8);
      // The aggregator stored the batch; the relay never saw the answer.
      for (const id of acked) assert.equal(server.acceptCount.get(id), 1);

      const relay = await createRelay({ dbPath, aggregatorUrl: server.url, relay: relayAddress, domain });
      try {
        assert.deepEqual([relay.stats().receipts.submitting, relay.stats().batches.open], [8, 1]);
        const res = await relay.flush();
        assert.deepEqual(
          res.batches.map((b) => [b.outcome, b.accepted]),
          [["processed", 8]],
        );
        assert.equal(server.requests.length, 2);
        assert.equal(server.requests[1]!.key, server.requests[0]!.key);
        assert.equal(server.requests[1]!.body, server.requests[0]!.body);
        assert.equal(server.requests[1]!.replayed, true);
        for (const id of acked) {
          assert.equal(server.acceptCount.get(id), 1);
          assert.equal(relay.getReceipt(id)?.status, "accepted");
        }
      } finally {
        await relay.close();
      }
    } finally {
      await server.close();
    }
  });
});
