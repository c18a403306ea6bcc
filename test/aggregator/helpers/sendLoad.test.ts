import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import type { Hex } from "../../../src/protocol/types.ts";
import type { PresignedBatch } from "./presignBatches.ts";
import { sendLoad } from "./sendLoad.ts";

/** A stand-in for POST /v1/receipts: answers with `answer(key)` and records the keys it got. */
async function fakeAggregator(
  answer: (key: string) => number,
): Promise<{ url: string; keys: string[]; server: Server }> {
  const keys: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const key = String(req.headers["idempotency-key"]);
      keys.push(key);
      const status = answer(key);
      res.writeHead(status, { "content-type": "application/json" });
      res.end(
        status === 200
          ? JSON.stringify({
              accepted: 1,
              results: [{ receiptId: `0x${"ab".repeat(32)}`, status: "accepted", epoch: 3 }],
            })
          : JSON.stringify({ code: "SERVICE_UNAVAILABLE" }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, keys, server };
}

const batch = (i: number): PresignedBatch => ({
  key: `k-${i}`,
  relay: `0x${"01".repeat(20)}` as Hex,
  body: Buffer.from("{}"),
  receiptIds: [`0x${"ab".repeat(32)}` as Hex],
});

describe("sendLoad (the pre-signed load generator)", () => {
  let ok: Awaited<ReturnType<typeof fakeAggregator>>;
  let busy: Awaited<ReturnType<typeof fakeAggregator>>;
  before(async () => {
    ok = await fakeAggregator(() => 200);
    busy = await fakeAggregator(() => 503);
  });
  after(() => {
    ok.server.close();
    busy.server.close();
  });

  it("refuses a target that is not on 127.0.0.1", async () => {
    await assert.rejects(sendLoad({ targets: ["http://10.0.0.1:8080"], batches: [batch(0)] }), /only to 127\.0\.0\.1/);
    await assert.rejects(sendLoad({ targets: ["http://localhost:8080"], batches: [batch(0)] }), /only to 127\.0\.0\.1/);
  });

  it("sends every batch once with its Idempotency-Key and reports what each 200 acknowledged", async () => {
    ok.keys.length = 0;
    const r = await sendLoad({ targets: [ok.url], batches: [0, 1, 2, 3, 4].map(batch), connectionsPerTarget: 3 });
    assert.deepEqual([...ok.keys].sort(), ["k-0", "k-1", "k-2", "k-3", "k-4"]);
    assert.equal(r.accepted, 5);
    assert.deepEqual(r.outcomes[0]!.acknowledged, [`0x${"ab".repeat(32)}`]);
  });

  it("sends a batch answered 503 again, with the same key, to the next target", async () => {
    ok.keys.length = 0;
    busy.keys.length = 0;
    // Lane 0 starts on the busy target; its retry goes to the other.
    const r = await sendLoad({
      targets: [busy.url, ok.url],
      batches: [batch(7)],
      connectionsPerTarget: 1,
      attempts: 3,
      retryDelayMs: 1,
    });
    assert.deepEqual(busy.keys, ["k-7"]);
    assert.deepEqual(ok.keys, ["k-7"]);
    assert.equal(r.outcomes[0]!.status, 200);
    assert.equal(r.outcomes[0]!.attempts, 2);
  });

  it("starts no batch after durationMs", async () => {
    function* endless() {
      for (let i = 0; ; i++) yield batch(i);
    }
    const r = await sendLoad({ targets: [ok.url], batches: endless(), durationMs: 200, keepAnswers: false });
    assert.ok(r.elapsedMs < 1000, `${r.elapsedMs} ms`);
    assert.ok(r.outcomes.length > 0);
    assert.equal(r.accepted, r.outcomes.length);
  });
});
