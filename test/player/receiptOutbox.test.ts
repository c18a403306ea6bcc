import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMemoryOutboxStore } from "../../src/player/outbox/createMemoryOutboxStore.ts";
import { createReceiptOutbox } from "../../src/player/outbox/createReceiptOutbox.ts";
import type { PendingReceipt } from "../../src/player/outbox/OutboxStore.ts";
import type { Address } from "../../src/protocol/types.ts";
import { signedViewerTicketToJson } from "../../src/protocol/wire/signedViewerTicketToJson.ts";
import {
  domain,
  epochParams,
  makeSession,
  otherRelayAddress,
  pool,
  relayAddress,
  serverNowMs,
} from "../relay-sdk/fixtures.ts";
import { type Fault, startTestAggregator } from "../relay-sdk/testAggregator.ts";

function receipts(
  session: ReturnType<typeof makeSession>,
  n: number,
  relay: Address = relayAddress,
  firstChunk = 0,
): PendingReceipt[] {
  return Array.from({ length: n }, (_, i) => {
    const r = session.sign(1, firstChunk + i, relay);
    return { receiptId: r.receiptId, relay, size: r.signed.receipt.size, receipt: r.json };
  });
}

async function setup(faults: Fault[] = []) {
  const aggregator = await startTestAggregator({ domain, pools: [pool], epochParams, nowMs: serverNowMs, faults });
  const session = makeSession();
  const store = createMemoryOutboxStore();
  const sleeps: number[] = [];
  const open = (maxAttempts = 4) =>
    createReceiptOutbox({
      aggregatorUrl: aggregator.url,
      ticket: signedViewerTicketToJson(session.ticket),
      store,
      keyPrefix: session.key.address.slice(2, 18),
      retry: { maxAttempts },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
  return { aggregator, session, store, sleeps, open };
}

describe("the player's receipt outbox", () => {
  it("posts stored receipts in one batch per payout account, with the ticket, and records every answer", async (t) => {
    const { aggregator, session, open } = await setup();
    t.after(() => aggregator.close());
    const outbox = await open();
    await outbox.add([...receipts(session, 3), ...receipts(session, 2, otherRelayAddress, 3)]);
    assert.equal(outbox.stats().pending, 5);
    const s = await outbox.flush();
    assert.equal(s.pending, 0);
    assert.equal(s.openBatches, 0);
    assert.equal(s.accepted.receipts, 5);
    assert.equal(aggregator.requests.length, 2);
    for (const r of aggregator.requests) {
      const body = JSON.parse(r.body);
      assert.equal(body.tickets.length, 1);
      assert.ok(body.receipts.every((x: any) => x.receipt.relay === body.relay));
    }
  });

  it("a batch whose answer was lost is resent with the same key and body after a reload, and counted once", async (t) => {
    const { aggregator, session, open } = await setup([{ kind: "drop_after_processing" }]);
    t.after(() => aggregator.close());
    const first = await open(1);
    await first.add(receipts(session, 4));
    const s1 = await first.flush();
    assert.equal(s1.openBatches, 1, "no answer: the batch stays open");
    assert.equal(s1.accepted.receipts, 0);
    // The tab reloads: a new outbox over the same store.
    const second = await open();
    assert.equal(second.stats().openBatches, 1);
    const s2 = await second.flush();
    assert.equal(s2.accepted.receipts, 4);
    assert.equal(aggregator.requests.length, 2);
    assert.equal(aggregator.requests[1]!.key, aggregator.requests[0]!.key);
    assert.equal(aggregator.requests[1]!.body, aggregator.requests[0]!.body);
    for (const count of aggregator.acceptCount.values()) assert.equal(count, 1);
  });

  it("retries 503 and 429 after Retry-After and network failures with backoff, on the same key", async (t) => {
    const { aggregator, session, sleeps, open } = await setup([
      { kind: "status", status: 503, code: "SERVICE_UNAVAILABLE", retryAfter: "2" },
      { kind: "drop" },
      { kind: "status", status: 429, code: "RATE_LIMITED", retryAfter: "1" },
    ]);
    t.after(() => aggregator.close());
    const outbox = await open(5);
    await outbox.add(receipts(session, 2));
    const s = await outbox.flush();
    assert.equal(s.accepted.receipts, 2);
    assert.equal(new Set(aggregator.requests.map((r) => r.key)).size, 1);
    assert.equal(sleeps[0], 2000);
    assert.ok(sleeps[1]! < 1000);
    assert.equal(sleeps[2], 1000);
  });

  it("keeps per-receipt refusals as evidence and does not resend them; a final 4xx fails the batch", async (t) => {
    const { aggregator, session, open } = await setup();
    t.after(() => aggregator.close());
    const outbox = await open();
    const own = receipts(session, 1);
    // The same chunk signed again for another relay: the aggregator pays a chunk once.
    const again = receipts(session, 1, otherRelayAddress);
    await outbox.add(own);
    await outbox.flush();
    await outbox.add(again);
    const s = await outbox.flush();
    assert.equal(s.accepted.receipts, 1);
    assert.equal(s.rejected.receipts, 1);
    assert.ok((s.rejected.byCode.RECEIPT_DUPLICATE ?? 0) >= 1, JSON.stringify(s.rejected));
    await outbox.add(again);
    await outbox.flush();
    assert.equal(aggregator.requests.length, 2, "an answered receipt is never queued again");

    aggregator.faults.push({ kind: "status", status: 400, code: "REQUEST_INVALID" });
    await outbox.add(receipts(session, 3).slice(2));
    const f = await outbox.flush();
    assert.equal(f.failed.receipts, 1);
    assert.match(f.lastError ?? "", /REQUEST_INVALID/);
  });
});
