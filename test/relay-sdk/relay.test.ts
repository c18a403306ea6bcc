import assert from "node:assert/strict";
import { after, afterEach, beforeEach, describe, it } from "node:test";
import Database from "better-sqlite3";
import { parseRetryAfter } from "../../src/client/parseRetryAfter.ts";
import { recoverChunkReceiptSigner } from "../../src/protocol/messages/recoverChunkReceiptSigner.ts";
import { signChunkReceipt } from "../../src/protocol/messages/signChunkReceipt.ts";
import { signViewerTicket } from "../../src/protocol/messages/signViewerTicket.ts";
import type { Hex } from "../../src/protocol/types.ts";
import { signedChunkReceiptFromJson } from "../../src/protocol/wire/signedChunkReceiptFromJson.ts";
import { RelaySdkError } from "../../src/relay-sdk/errors/RelaySdkError.ts";
import { createViewerSessionKey } from "../../src/relay-sdk/receiver/createViewerSessionKey.ts";
import { createRelay } from "../../src/relay-sdk/relay/createRelay.ts";
import { getBackoffDelay } from "../../src/relay-sdk/relay/getBackoffDelay.ts";
import { openRelayStoreReader } from "../../src/relay-sdk/relay/openRelayStoreReader.ts";
import type { CreateRelayOptions, Relay, RelayEvent } from "../../src/relay-sdk/relay/types.ts";
import {
  domain,
  epochParams,
  makeSession,
  otherRelayAddress,
  pool,
  poolId,
  relayAddress,
  serverNowMs,
  tempDir,
  type ViewerSession,
} from "./fixtures.ts";
import { type Fault, startTestAggregator, type TestAggregator } from "./testAggregator.ts";

const code = (c: string) => (err: unknown) => err instanceof RelaySdkError && err.code === c;
const tmp = tempDir();
after(() => tmp.remove());
let dbCounter = 0;
const newDbPath = () => tmp.file(`relay-${++dbCounter}.sqlite`);

/** A fake clock that only moves when the relay sleeps: backoff delays are recorded exactly and cost no time. */
function fakeTime(start = 1_800_000_000_000) {
  let t = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
  };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("relay", () => {
  let server: TestAggregator;
  const relays: Relay[] = [];
  const start = async (faults: Fault[] = []) => {
    server = await startTestAggregator({ domain, pools: [pool], epochParams, nowMs: serverNowMs, faults });
  };
  const open = async (overrides: Partial<CreateRelayOptions> = {}) => {
    const r = await createRelay({
      dbPath: overrides.dbPath ?? newDbPath(),
      aggregatorUrl: server.url,
      relay: relayAddress,
      domain,
      retry: { baseDelayMs: 5, maxDelayMs: 20, requestTimeoutMs: 2000, ...overrides.retry },
      ...overrides,
    });
    relays.push(r);
    return r;
  };
  /** Signs `n` receipts of one session and adds them (the ticket with the first). */
  const addSigned = async (relay: Relay, session: ViewerSession, n: number, segment = 1) => {
    const ids: Hex[] = [];
    for (let i = 0; i < n; i++) {
      const { signed } = session.sign(segment, i);
      ids.push((await relay.addReceipt(signed, i === 0 ? { ticket: session.ticket } : {})).receiptId);
    }
    return ids;
  };

  afterEach(async () => {
    for (const r of relays.splice(0)) await r.close();
    await server?.close();
  });

  describe("collecting", () => {
    beforeEach(async () => start());

    it("addReceipt resolves only once the receipt is committed: another connection sees it", async () => {
      const dbPath = newDbPath();
      const relay = await open({ dbPath });
      const session = makeSession();
      const { signed, receiptId } = session.sign(1, 0);
      const res = await relay.addReceipt(signed, { ticket: session.ticket });
      assert.deepEqual(res, { receiptId, status: "pending", duplicate: false });
      const other = new Database(dbPath, { readonly: true });
      try {
        const row = other.prepare("SELECT status, signed_json FROM receipts WHERE receipt_id = ?").get(receiptId) as {
          status: string;
          signed_json: string;
        };
        assert.equal(row.status, "pending");
        assert.deepEqual(signedChunkReceiptFromJson(JSON.parse(row.signed_json)), signed);
        assert.equal((other.pragma("journal_mode", { simple: true }) as string).toLowerCase(), "wal");
      } finally {
        other.close();
      }
      assert.equal(relay.stats().receipts.pending, 1);
    });

    it("accepts receipts in their JSON wire form, and the same receipt twice is a no-op duplicate", async () => {
      const relay = await open();
      const session = makeSession();
      await relay.addTicket(session.ticket);
      const { json, receiptId } = session.sign(1, 0);
      assert.deepEqual(await relay.addReceipt(json), { receiptId, status: "pending", duplicate: false });
      assert.deepEqual(await relay.addReceipt(json), { receiptId, status: "pending", duplicate: true });
      assert.equal(relay.stats().receipts.total, 1);
    });

    it("refuses receipts for another relay, with an unknown ticket, signed by someone else, or conflicting for one chunk", async () => {
      const relay = await open();
      const session = makeSession();
      await assert.rejects(
        relay.addReceipt(session.sign(1, 0, otherRelayAddress).signed, { ticket: session.ticket }),
        code("RELAY_MISMATCH"),
      );
      await assert.rejects(relay.addReceipt(session.sign(1, 0).signed), code("TICKET_UNKNOWN"));
      await relay.addTicket(session.ticket);
      const forged = signChunkReceipt(session.sign(1, 1).signed.receipt, domain, createViewerSessionKey().privateKey);
      await assert.rejects(relay.addReceipt(forged), code("RECEIPT_INVALID"));
      const bad = { ...session.sign(1, 2).json, signature: `0x${"00".repeat(65)}` as Hex };
      await assert.rejects(relay.addReceipt(bad), code("RECEIPT_INVALID"));
      await assert.rejects(relay.addReceipt({ receipt: { nope: 1 } } as never), code("RECEIPT_INVALID"));
      await assert.rejects(relay.addTicket({ ...session.ticket, signature: "0x1234" }), code("TICKET_INVALID"));
      // Same chunk, signed again at another time: a viewer is paid once per chunk.
      const first = session.sign(2, 0).signed;
      await relay.addReceipt(first);
      const again = signChunkReceipt(
        { ...first.receipt, deliveredAt: first.receipt.deliveredAt + 5n },
        domain,
        session.key.privateKey,
      );
      await assert.rejects(relay.addReceipt(again), code("RECEIPT_CONFLICT"));
      assert.equal(relay.stats().receipts.total, 1);
    });

    it("addReceipts stores all or nothing", async () => {
      const relay = await open();
      const session = makeSession();
      const good = [0, 1, 2].map((i) => session.sign(1, i).signed);
      const forged = signChunkReceipt(session.sign(1, 3).signed.receipt, domain, createViewerSessionKey().privateKey);
      await assert.rejects(
        relay.addReceipts([...good, forged], { tickets: [session.ticket] }),
        code("RECEIPT_INVALID"),
      );
      assert.equal(relay.stats().receipts.total, 0);
      const res = await relay.addReceipts(good, { tickets: [session.ticket] });
      assert.equal(res.length, 3);
      assert.equal(relay.stats().receipts.pending, 3);
    });

    it("refuses a store created for another relay or domain (STORE_MISMATCH)", async () => {
      const dbPath = newDbPath();
      await (await open({ dbPath })).close();
      await assert.rejects(open({ dbPath, relay: otherRelayAddress }), code("STORE_MISMATCH"));
      await assert.rejects(open({ dbPath, domain: { ...domain, chainId: 1 } }), code("STORE_MISMATCH"));
    });

    it("refuses batch limits beyond the API's", async () => {
      await assert.rejects(open({ maxBatchReceipts: 5001 }), code("INVALID_ARGUMENT"));
      await assert.rejects(open({ maxBatchBytes: 4 * 1024 * 1024 + 1 }), code("INVALID_ARGUMENT"));
      await assert.rejects(open({ aggregatorUrl: "ftp://x" }), code("INVALID_ARGUMENT"));
    });
  });

  describe("submitting", () => {
    it("batches up to maxBatchReceipts, each ticket once per batch, one Idempotency-Key per batch; all accepted", async () => {
      await start();
      const relay = await open({ maxBatchReceipts: 3 });
      const a = makeSession({}, 1);
      const b = makeSession({}, 2);
      await relay.addTicket(a.ticket);
      await relay.addTicket(b.ticket);
      for (let i = 0; i < 4; i++) {
        await relay.addReceipt(a.sign(1, i).signed);
        if (i < 3) await relay.addReceipt(b.sign(1, i).signed);
      }
      const res = await relay.flush();
      assert.deepEqual(
        res.batches.map((x) => [x.outcome, x.receipts, x.accepted]),
        [
          ["processed", 3, 3],
          ["processed", 3, 3],
          ["processed", 1, 1],
        ],
      );
      assert.equal(res.complete, true);
      assert.equal(server.requests.length, 3);
      assert.equal(new Set(server.requests.map((r) => r.key)).size, 3);
      for (const req of server.requests) {
        const body = JSON.parse(req.body);
        assert.equal(body.relay, relayAddress);
        const needed = new Set(body.receipts.map((r: { receipt: { ticketHash: string } }) => r.receipt.ticketHash));
        assert.equal(body.tickets.length, needed.size);
        assert.match(req.key, /^[A-Za-z0-9_.:-]{1,128}$/);
      }
      assert.equal(server.accepted.size, 7);
      assert.ok([...server.acceptCount.values()].every((n) => n === 1));
      assert.equal(relay.stats().receipts.accepted, 7);
      for (const r of relay.listReceipts()) {
        assert.equal(r.result, "accepted");
        assert.equal(r.epoch, 0);
        assert.ok(r.batch && r.submittedAt && r.resolvedAt);
      }
      assert.deepEqual((await relay.flush()).batches, []);
    });

    it("keeps each request body under maxBatchBytes", async () => {
      await start();
      const relay = await open({ maxBatchBytes: 2500 });
      const s = makeSession();
      await addSigned(relay, s, 6);
      const res = await relay.flush();
      assert.ok(res.batches.length >= 2);
      for (const req of server.requests) assert.ok(req.body.length <= 2500, `${req.body.length}`);
      assert.equal(server.accepted.size, 6);
    });

    it("retries 503, 429 (after Retry-After), a dropped connection and 500 with capped full-jitter backoff, same key and body", async () => {
      await start([
        { kind: "status", status: 503, code: "SERVICE_UNAVAILABLE" },
        { kind: "status", status: 429, code: "RATE_LIMITED", retryAfter: "2" },
        { kind: "drop" },
        { kind: "status", status: 500, code: "INTERNAL" },
      ]);
      const time = fakeTime();
      const events: RelayEvent[] = [];
      const relay = await open({
        now: time.now,
        sleep: time.sleep,
        random: () => 0.5,
        retry: { baseDelayMs: 100, maxDelayMs: 250 },
        onEvent: (e) => events.push(e),
      });
      const ids = await addSigned(relay, makeSession(), 3);
      const res = await relay.flush();
      assert.equal(res.batches[0]!.outcome, "processed");
      // 0.5 · min(250, 100·2^(n−1)) for n = 1, 3, 4; Retry-After: 2 s for the 429.
      assert.deepEqual(time.sleeps, [50, 2000, 125, 125]);
      assert.equal(server.requests.length, 5);
      assert.equal(new Set(server.requests.map((r) => r.key)).size, 1);
      assert.equal(new Set(server.requests.map((r) => r.body)).size, 1);
      const [batch] = relay.listBatches();
      assert.equal(batch!.attempts, 5);
      assert.equal(batch!.status, "done");
      const log = relay.evidence().batches[0]!.attemptLog;
      assert.deepEqual(
        log.map((a) => [a.outcome, a.httpStatus, a.code]),
        [
          ["retry", 503, "SERVICE_UNAVAILABLE"],
          ["retry", 429, "RATE_LIMITED"],
          ["retry", null, "NETWORK_ERROR"],
          ["retry", 500, "INTERNAL"],
          ["processed", 200, null],
        ],
      );
      assert.equal(log[1]!.retryAfterMs, 2000);
      assert.deepEqual(
        events.filter((e) => e.type === "attempt").map((e) => (e as { outcome: string }).outcome),
        ["retry", "retry", "retry", "retry", "processed"],
      );
      for (const id of ids) assert.equal(server.acceptCount.get(id), 1);
    });

    it("409 IDEMPOTENCY_KEY_IN_PROGRESS and 503 are retried after their Retry-After; 409 IDEMPOTENCY_KEY_REUSED is final", async () => {
      await start([
        { kind: "status", status: 409, code: "IDEMPOTENCY_KEY_IN_PROGRESS", retryAfter: "1" },
        { kind: "status", status: 503, code: "SERVICE_UNAVAILABLE", retryAfter: "3" },
        { kind: "status", status: 409, code: "IDEMPOTENCY_KEY_REUSED" },
      ]);
      const time = fakeTime();
      const relay = await open({ now: time.now, sleep: time.sleep, maxBatchReceipts: 1 });
      await addSigned(relay, makeSession(), 2);
      const res = await relay.flush();
      assert.deepEqual(time.sleeps, [1000, 3000]);
      assert.deepEqual(
        res.batches.map((b) => [b.outcome, b.error?.code]),
        [
          ["failed", "IDEMPOTENCY_KEY_REUSED"],
          ["processed", undefined],
        ],
      );
      assert.deepEqual(
        relay.listReceipts().map((r) => r.status),
        ["failed", "accepted"],
      );
      assert.equal(server.requests.length, 4);
    });

    it("stops after maxAttempts with the batch open, and the next flush resends it with the same key", async () => {
      await start([1, 2, 3].map(() => ({ kind: "status", status: 503, code: "SERVICE_UNAVAILABLE" }) as Fault));
      const time = fakeTime();
      const relay = await open({ now: time.now, sleep: time.sleep, retry: { maxAttempts: 2 } });
      await addSigned(relay, makeSession(), 2);
      const first = await relay.flush();
      assert.equal(first.batches[0]!.outcome, "incomplete");
      assert.equal(first.batches[0]!.error?.code, "SERVICE_UNAVAILABLE");
      assert.equal(first.complete, false);
      assert.equal(relay.stats().receipts.submitting, 2);
      assert.equal(relay.stats().lastError?.code, "SERVICE_UNAVAILABLE");
      const second = await relay.flush();
      assert.equal(second.batches[0]!.outcome, "processed");
      assert.equal(second.complete, true);
      assert.equal(server.requests.length, 4);
      assert.equal(new Set(server.requests.map((r) => r.key)).size, 1);
      assert.equal(relay.listBatches()[0]!.attempts, 4);
    });

    it("a lost answer is retried with the same key and the aggregator's replay is recorded, each receipt accepted once", async () => {
      await start([{ kind: "drop_after_processing" }]);
      const relay = await open();
      const ids = await addSigned(relay, makeSession(), 4);
      const res = await relay.flush();
      assert.equal(res.batches[0]!.accepted, 4);
      assert.deepEqual(
        server.requests.map((r) => r.replayed),
        [false, true],
      );
      assert.equal(server.requests[0]!.key, server.requests[1]!.key);
      assert.equal(relay.listBatches()[0]!.replayed, true);
      for (const id of ids) assert.equal(server.acceptCount.get(id), 1);
      assert.ok(relay.listReceipts().every((r) => r.status === "accepted" && r.result === "accepted"));
    });

    it("a timed-out attempt is retried and answered from the aggregator's stored response", async () => {
      await start([{ kind: "delay", ms: 400 }]);
      const relay = await open({ retry: { requestTimeoutMs: 100, baseDelayMs: 1, maxDelayMs: 1 } });
      const ids = await addSigned(relay, makeSession(), 2);
      const res = await relay.flush();
      assert.equal(res.batches[0]!.outcome, "processed");
      assert.equal(relay.evidence().batches[0]!.attemptLog[0]!.code, "TIMEOUT");
      // The first request was stored but answered too late; every later one is a replay (one on an idle machine).
      assert.equal(server.requests[0]!.replayed, false);
      assert.ok(server.requests.length >= 2 && server.requests.slice(1).every((r) => r.replayed));
      for (const id of ids) assert.equal(server.acceptCount.get(id), 1);
    });

    it("records the aggregator's rejections with their codes, next to the accepted receipts", async () => {
      await start();
      const relay = await open();
      const small = makeSession({ maxBytes: 2100n }, 3);
      const badSigner = makeSession({}, 4);
      const forgedTicket = signViewerTicket(badSigner.ticket.ticket, domain, createViewerSessionKey().privateKey);
      const unknownPool = makeSession({ poolId: `0x${"dd".repeat(32)}` }, 5);
      await relay.addTicket(small.ticket);
      const sizes = [0, 1, 2].map((i) => small.sign(1, i));
      for (const s of sizes) await relay.addReceipt(s.signed);
      const forged = badSigner.sign(1, 0);
      await relay.addReceipt(forged.signed, { ticket: forgedTicket });
      const orphan = unknownPool.sign(1, 0);
      await relay.addReceipt(orphan.signed, { ticket: unknownPool.ticket });
      const res = await relay.flush();
      const fits = sizes.reduce<{ n: number; bytes: number }>(
        (acc, s) =>
          acc.bytes + s.signed.receipt.size <= 2100 ? { n: acc.n + 1, bytes: acc.bytes + s.signed.receipt.size } : acc,
        { n: 0, bytes: 0 },
      );
      assert.ok(fits.n >= 1 && fits.n < 3, "fixture: some but not all chunks fit in maxBytes");
      assert.equal(res.batches[0]!.accepted, fits.n);
      assert.equal(res.batches[0]!.rejected, 5 - fits.n);
      const rejected = relay.listReceipts({ status: "rejected" });
      const codesOf = (id: Hex) => rejected.find((r) => r.receiptId === id)?.errors.map((e) => e.code);
      assert.deepEqual(codesOf(forged.receiptId), ["TICKET_BAD_SIGNER"]);
      assert.ok(codesOf(orphan.receiptId)!.includes("POOL_UNKNOWN"));
      assert.ok(
        rejected.filter((r) => r.errors.some((e) => e.code === "RECEIPT_OVER_MAX_BYTES")).length === 3 - fits.n,
      );
      assert.ok(rejected.every((r) => r.result === "rejected" && r.resolvedAt !== null));
      // Rejected receipts are final: nothing is resent.
      await relay.flush();
      assert.equal(server.requests.length, 1);
    });

    it("a receipt the aggregator already holds is marked accepted with result already_accepted", async () => {
      await start();
      const session = makeSession();
      const first = await open();
      const ids = await addSigned(first, session, 2);
      await first.flush();
      // The relay lost its database and collects the same receipts again.
      const second = await open();
      await addSigned(second, session, 3);
      const res = await second.flush();
      assert.deepEqual([res.batches[0]!.accepted, res.batches[0]!.alreadyAccepted], [1, 2]);
      for (const id of ids) assert.equal(second.getReceipt(id)!.result, "already_accepted");
      assert.ok(second.listReceipts().every((r) => r.status === "accepted"));
      for (const n of server.acceptCount.values()) assert.equal(n, 1);
    });

    it("a whole-request 4xx is final: no retry, the receipts fail with the code, and can be requeued", async () => {
      await start([{ kind: "status", status: 400, code: "REQUEST_INVALID" }]);
      const time = fakeTime();
      const relay = await open({ now: time.now, sleep: time.sleep });
      const ids = await addSigned(relay, makeSession(), 2);
      const res = await relay.flush();
      assert.equal(res.batches[0]!.outcome, "failed");
      assert.equal(res.batches[0]!.error?.code, "REQUEST_INVALID");
      assert.deepEqual(time.sleeps, []);
      assert.equal(server.requests.length, 1);
      for (const r of relay.listReceipts()) {
        assert.equal(r.status, "failed");
        assert.deepEqual(
          r.errors.map((e) => e.code),
          ["REQUEST_INVALID"],
        );
      }
      assert.equal(relay.listBatches()[0]!.status, "failed");
      assert.equal((await relay.flush()).batches.length, 0);
      assert.equal(await relay.requeueFailed(), 2);
      const again = await relay.flush();
      assert.equal(again.batches[0]!.accepted, 2);
      assert.notEqual(server.requests[1]!.key, server.requests[0]!.key);
      for (const id of ids) assert.equal(relay.evidence({ receiptIds: [id] }).receipts[0]!.batches.length, 2);
    });

    it("the background loop submits what is added and stops cleanly", async () => {
      await start();
      const relay = await open({ intervalMs: 10 });
      relay.start();
      const ids = await addSigned(relay, makeSession(), 3);
      await until(() => ids.every((id) => server.accepted.has(id)));
      await until(() => relay.stats().receipts.accepted === 3);
      await relay.stop();
      const seen = server.requests.length;
      await addSigned(relay, makeSession(), 1, 9);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(server.requests.length, seen);
      assert.equal(relay.stats().receipts.pending, 1);
    });
  });

  describe("restart", () => {
    it("a batch in flight when the relay closed is resent after reopening with the same key and body; each receipt accepted once", async () => {
      await start([{ kind: "hold" }]);
      const dbPath = newDbPath();
      const first = await open({ dbPath, maxBatchReceipts: 4 });
      const ids = await addSigned(first, makeSession(), 6);
      const flushing = first.flush();
      await server.waitForHeld();
      await first.close();
      const interrupted = await flushing;
      assert.equal(interrupted.batches[0]!.outcome, "incomplete");
      await assert.rejects(first.addReceipt(makeSession().sign(1, 0).signed), code("RELAY_CLOSED"));
      server.release();

      const second = await open({ dbPath, maxBatchReceipts: 4 });
      const before = second.stats();
      assert.deepEqual([before.receipts.submitting, before.receipts.pending, before.batches.open], [4, 2, 1]);
      const res = await second.flush();
      assert.deepEqual(
        res.batches.map((b) => [b.outcome, b.receipts]),
        [
          ["processed", 4],
          ["processed", 2],
        ],
      );
      assert.equal(server.requests.length, 3);
      assert.equal(server.requests[1]!.key, server.requests[0]!.key);
      assert.equal(server.requests[1]!.body, server.requests[0]!.body);
      assert.deepEqual(
        server.requests.map((r) => r.replayed),
        [false, true, false],
      );
      for (const id of ids) assert.equal(server.acceptCount.get(id), 1);
      assert.equal(second.stats().receipts.accepted, 6);
      const attempts = second.evidence().batches[0]!.attemptLog.map((a) => a.outcome);
      assert.deepEqual(attempts, ["aborted", "processed"]);
    });

    it("a Retry-After wait survives a restart: the reopened relay waits out the rest, then resends with the same key", async () => {
      await start([{ kind: "status", status: 429, code: "RATE_LIMITED", retryAfter: "30" }]);
      const dbPath = newDbPath();
      const events: RelayEvent[] = [];
      const first = await open({ dbPath, onEvent: (e) => events.push(e) });
      await addSigned(first, makeSession(), 2);
      const flushing = first.flush();
      await until(() => events.some((e) => e.type === "attempt" && e.outcome === "retry"));
      const t0 = Date.now();
      await first.close();
      await flushing;
      assert.ok(Date.now() - t0 < 1000, "close interrupts the wait");

      const waits: number[] = [];
      const second = await open({ dbPath, sleep: async (ms) => void waits.push(ms) });
      const res = await second.flush();
      assert.equal(res.batches[0]!.outcome, "processed");
      assert.equal(waits.length, 1);
      assert.ok(waits[0]! > 25_000 && waits[0]! <= 30_000, `${waits[0]}`);
      assert.equal(server.requests.length, 2);
      assert.equal(server.requests[0]!.key, server.requests[1]!.key);
    });
  });

  describe("evidence", () => {
    it("exports every receipt with its status, the signed receipts and tickets, and exactly what was sent and answered", async () => {
      await start();
      const relay = await open();
      const good = makeSession({}, 6);
      const small = makeSession({ maxBytes: 1n }, 7);
      const okIds = await addSigned(relay, good, 3);
      const [badId] = await addSigned(relay, small, 1);
      await relay.flush();
      const pendingSession = makeSession({}, 8);
      await addSigned(relay, pendingSession, 1);

      const ev = relay.evidence();
      assert.equal(ev.format, "meshpay-relay-evidence/1");
      assert.equal(ev.relay, relayAddress);
      assert.deepEqual(ev.domain, { chainId: "31337", verifyingContract: domain.verifyingContract });
      assert.deepEqual(
        {
          accepted: ev.summary.accepted,
          rejected: ev.summary.rejected,
          pending: ev.summary.pending,
          total: ev.summary.total,
        },
        { accepted: 3, rejected: 1, pending: 1, total: 5 },
      );
      assert.equal(ev.receipts.length, 5);
      const viewerOf = new Map(ev.tickets.map((t) => [t.ticketHash, t.signed.ticket.viewer]));
      assert.equal(ev.tickets.length, 3);
      for (const r of ev.receipts) {
        const signed = signedChunkReceiptFromJson(r.signed);
        assert.equal(recoverChunkReceiptSigner(signed, domain), viewerOf.get(signed.receipt.ticketHash));
      }
      const bad = ev.receipts.find((r) => r.receiptId === badId)!;
      assert.equal(bad.status, "rejected");
      assert.ok(bad.errors.some((e) => e.code === "RECEIPT_OVER_MAX_BYTES"));
      assert.equal(ev.batches.length, 1);
      const batch = ev.batches[0]!;
      const request = JSON.parse(batch.request!);
      const response = JSON.parse(batch.response!);
      for (const r of ev.receipts.filter((x) => x.batches.length > 0)) {
        const ref = r.batches[0]!;
        assert.equal(ref.idempotencyKey, batch.idempotencyKey);
        assert.deepEqual(request.receipts[ref.position], r.signed);
        assert.equal(response.results[ref.position].receiptId, r.receiptId);
        assert.equal(response.results[ref.position].status, r.result);
      }
      assert.deepEqual(
        new Set(okIds),
        new Set(ev.receipts.filter((r) => r.status === "accepted").map((r) => r.receiptId)),
      );
      assert.doesNotThrow(() => JSON.stringify(ev));

      const onlyRejected = relay.evidence({ status: "rejected", includeRequests: false });
      assert.deepEqual(
        onlyRejected.receipts.map((r) => r.receiptId),
        [badId],
      );
      assert.equal(onlyRejected.tickets.length, 1);
      assert.equal(onlyRejected.batches[0]!.request, undefined);
      assert.equal(relay.listReceipts({ status: ["pending"] }).length, 1);
      assert.equal(relay.listReceipts({ limit: 2, offset: 1 }).length, 2);
    });
  });

  describe("store reader", () => {
    it("reads a running relay's store read-only: summary per status, epoch, pool and code, filtered receipts", async () => {
      await start();
      const dbPath = newDbPath();
      const relay = await open({ dbPath });
      const okIds = await addSigned(relay, makeSession({}, 11), 3);
      const [badId] = await addSigned(relay, makeSession({ maxBytes: 1n }, 12), 1);
      await relay.flush();
      const [pendingId] = await addSigned(relay, makeSession({}, 13), 1);

      const reader = openRelayStoreReader(dbPath);
      try {
        assert.equal(reader.path, dbPath);
        assert.ok(reader.schemaVersion >= 1);
        const meta = reader.meta();
        assert.deepEqual(
          { relay: meta.relay, chainId: meta.chainId, verifyingContract: meta.verifyingContract },
          { relay: relayAddress, chainId: "31337", verifyingContract: domain.verifyingContract.toLowerCase() },
        );
        assert.match(meta.instanceId, /^[0-9a-f]{16}$/);

        const s = reader.summary();
        assert.deepEqual(s.receipts, { pending: 1, submitting: 0, accepted: 3, rejected: 1, failed: 0, total: 5 });
        assert.deepEqual(s.batches, { open: 0, done: 1, failed: 0, total: 1 });
        const { alreadyAccepted, acceptedByEpoch, byPool, rejectedByCode, failedByCode, ...stats } = s;
        assert.deepEqual(stats, relay.stats());
        const acceptedBytes = relay.listReceipts({ status: "accepted" }).reduce((n, r) => n + r.size, 0);
        assert.equal(alreadyAccepted, 0);
        assert.deepEqual(acceptedByEpoch, { "0": { receipts: 3, bytes: acceptedBytes } });
        assert.equal(s.bytes.accepted, acceptedBytes);
        assert.deepEqual(rejectedByCode, { RECEIPT_OVER_MAX_BYTES: 1 });
        assert.deepEqual(failedByCode, {});
        assert.deepEqual(
          byPool.map((p) => [p.poolId, p.status, p.epoch, p.receipts]),
          [
            [poolId, "accepted", 0, 3],
            [poolId, "pending", null, 1],
            [poolId, "rejected", null, 1],
          ],
        );

        assert.deepEqual(reader.listReceipts(), relay.listReceipts());
        assert.deepEqual(
          reader.listReceipts({ status: "accepted", epoch: 0 }).map((r) => r.receiptId),
          okIds,
        );
        assert.deepEqual(
          reader.listReceipts({ order: "newest", limit: 2 }).map((r) => r.receiptId),
          [pendingId, badId],
        );
        assert.deepEqual(
          reader.listReceipts({ receiptIds: [badId!] }).map((r) => [r.status, r.errors[0]?.code]),
          [["rejected", "RECEIPT_OVER_MAX_BYTES"]],
        );
        assert.equal(reader.listReceipts({ poolId }).length, 5);
        assert.equal(reader.listReceipts({ poolId: `0x${"b2".repeat(32)}` }).length, 0);
        assert.equal(reader.listReceipts({ epoch: 1 }).length, 0);
        assert.throws(() => reader.listReceipts({ status: "lost" as never }), code("INVALID_ARGUMENT"));

        // What the relay commits after the reader opened is visible to the reader's next read.
        await addSigned(relay, makeSession({}, 14), 2);
        assert.equal(reader.summary().receipts.pending, 3);
      } finally {
        reader.close();
      }
    });

    it("refuses a missing file or one that is not a relay store (STORE_UNREADABLE), and a newer schema", async () => {
      assert.throws(() => openRelayStoreReader(tmp.file("missing.sqlite")), code("STORE_UNREADABLE"));
      const notAStore = newDbPath();
      const plain = new Database(notAStore);
      plain.exec("CREATE TABLE notes (text TEXT)");
      plain.close();
      assert.throws(() => openRelayStoreReader(notAStore), code("STORE_UNREADABLE"));

      await start();
      const dbPath = newDbPath();
      await (await open({ dbPath })).close();
      const db = new Database(dbPath);
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)").run();
      db.close();
      assert.throws(() => openRelayStoreReader(dbPath), code("STORE_SCHEMA_TOO_NEW"));
    });
  });
});

describe("retry helpers", () => {
  it("full jitter stays in [0, min(cap, base·2^(n−1)))", () => {
    const policy = { baseDelayMs: 100, maxDelayMs: 1000 };
    assert.equal(
      getBackoffDelay(1, policy, () => 0),
      0,
    );
    assert.equal(
      getBackoffDelay(1, policy, () => 0.999999),
      99,
    );
    assert.equal(
      getBackoffDelay(3, policy, () => 0.5),
      200,
    );
    assert.equal(
      getBackoffDelay(60, policy, () => 0.999999),
      999,
    );
  });

  it("Retry-After is read as seconds or an HTTP date", () => {
    assert.equal(parseRetryAfter("3", 0), 3000);
    assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4000), 6000);
    assert.equal(parseRetryAfter("soon", 0), undefined);
    assert.equal(parseRetryAfter(null, 0), undefined);
  });
});
