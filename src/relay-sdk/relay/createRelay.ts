import { createAggregatorClient } from "../../client/createAggregatorClient.ts";
import { ProtocolError } from "../../protocol/errors/ProtocolError.ts";
import { createNodeReceiptVerifier } from "../../protocol/node/createNodeReceiptVerifier.ts";
import { parseSignature } from "../../protocol/signature/parseSignature.ts";
import type { Address, Hex, SignedChunkReceipt, SignedViewerTicket } from "../../protocol/types.ts";
import { bytesToHex, isHexOfLength } from "../../protocol/utils/bytes.ts";
import { getUniquenessKey } from "../../protocol/validation/getUniquenessKey.ts";
import { signedChunkReceiptFromJson } from "../../protocol/wire/signedChunkReceiptFromJson.ts";
import { signedChunkReceiptToJson } from "../../protocol/wire/signedChunkReceiptToJson.ts";
import { signedViewerTicketFromJson } from "../../protocol/wire/signedViewerTicketFromJson.ts";
import { signedViewerTicketToJson } from "../../protocol/wire/signedViewerTicketToJson.ts";
import { RelaySdkError } from "../errors/RelaySdkError.ts";
import { getBackoffDelay } from "./getBackoffDelay.ts";
import { type AttemptRow, type BatchRow, openRelayStore, type ReceiptRow, type TicketRow } from "./openRelayStore.ts";
import { postReceiptBatch } from "./postReceiptBatch.ts";
import type {
  AddReceiptResult,
  BatchOutcome,
  BatchRecord,
  CreateRelayOptions,
  ErrorEntry,
  FlushResult,
  ReceiptStatus,
  Relay,
  RelayEvent,
  RelayEvidence,
  RelayStats,
  SignedReceiptInput,
  SignedTicketInput,
} from "./types.ts";

/** API limits of POST /v1/receipts (docs/api.md). */
const API_MAX_RECEIPTS = 5000;
const API_MAX_TICKETS = 1000;
const API_MAX_BYTES = 4 * 1024 * 1024;
const RECEIPT_STATUSES: ReceiptStatus[] = ["pending", "submitting", "accepted", "rejected", "failed"];

type PreparedTicket = { ticketHash: Hex; poolId: Hex; viewer: Address; json: string };
type PreparedReceipt = { receiptId: Hex; uniquenessKey: string; ticketHash: Hex; size: number; json: string };

/**
 * Opens a relay node's receipt store (SQLite) and returns its API: collect signed receipts and tickets
 * durably (a receipt is committed before addReceipt resolves), submit them in batches to the aggregator's
 * POST /v1/receipts with one persisted Idempotency-Key per batch, retry transient failures with capped
 * exponential backoff and full jitter, and record every answer for evidence. After a restart, open batches
 * are resent with the same key and body, so nothing is lost or counted twice.
 */
export async function createRelay(options: CreateRelayOptions): Promise<Relay> {
  if (!isHexOfLength(options.relay, 20))
    throw new RelaySdkError("INVALID_ARGUMENT", "relay must be a 20-byte 0x address.");
  const relay = options.relay.toLowerCase() as Address;
  checkAggregatorUrl(options.aggregatorUrl);
  const limits = {
    maxReceipts: limit("maxBatchReceipts", options.maxBatchReceipts, 1000, API_MAX_RECEIPTS),
    maxTickets: limit("maxBatchTickets", options.maxBatchTickets, API_MAX_TICKETS, API_MAX_TICKETS),
    maxBytes: limit("maxBatchBytes", options.maxBatchBytes, 1024 * 1024, API_MAX_BYTES),
  };
  const retry = {
    baseDelayMs: limit("retry.baseDelayMs", options.retry?.baseDelayMs, 500, Number.MAX_SAFE_INTEGER, 0),
    maxDelayMs: limit("retry.maxDelayMs", options.retry?.maxDelayMs, 60_000, Number.MAX_SAFE_INTEGER, 0),
    maxAttempts: limit("retry.maxAttempts", options.retry?.maxAttempts, 8, Number.MAX_SAFE_INTEGER),
    requestTimeoutMs: limit("retry.requestTimeoutMs", options.retry?.requestTimeoutMs, 30_000, 2 ** 31 - 1),
  };
  const intervalMs = limit("intervalMs", options.intervalMs, 5000, 2 ** 31 - 1, 0);
  const now = options.now ?? Date.now;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const client = createAggregatorClient({
    url: options.aggregatorUrl,
    fetch: (input, init) => fetchFn(input, init),
    timeoutMs: retry.requestTimeoutMs,
    now,
  });
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const emit = (event: RelayEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // a listener's failure must not break submission
    }
  };

  const verifier = await createNodeReceiptVerifier({ domain: options.domain });
  const store = openRelayStore(options.dbPath, {
    relay,
    domain: options.domain,
    synchronous: options.synchronous ?? "FULL",
    now,
  });
  const { q } = store;
  const keyFor = (id: number) => `mp-${store.instanceId}-${String(id).padStart(6, "0")}`;

  let closed = false;
  let controller = new AbortController();
  let chain: Promise<unknown> = Promise.resolve();
  let loop: Promise<void> | null = null;
  let wake: AbortController | null = null;
  let addedSinceBatch = 0;

  const assertOpen = (): void => {
    if (closed) throw new RelaySdkError("RELAY_CLOSED", "The relay is closed.");
  };
  /** Runs `fn` after every earlier flush has finished (one batch in flight at a time). */
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };

  // ---- collecting ----------------------------------------------------------------------------------

  const prepareTicket = (input: SignedTicketInput): PreparedTicket => {
    let signed: SignedViewerTicket;
    try {
      signed = signedViewerTicketFromJson(isTypedTicket(input) ? signedViewerTicketToJson(input) : input);
      parseSignature(signed.signature);
    } catch (cause) {
      throw new RelaySdkError("TICKET_INVALID", `The ticket is invalid: ${messageOf(cause)}`, { cause });
    }
    return {
      ticketHash: bytesToHex(verifier.ticketHash(signed.ticket)),
      poolId: signed.ticket.poolId,
      viewer: signed.ticket.viewer,
      json: JSON.stringify(signedViewerTicketToJson(signed)),
    };
  };

  const prepareReceipt = (input: SignedReceiptInput, given: Map<string, PreparedTicket>): PreparedReceipt => {
    let signed: SignedChunkReceipt;
    try {
      signed = signedChunkReceiptFromJson(isTypedReceipt(input) ? signedChunkReceiptToJson(input) : input);
    } catch (cause) {
      throw new RelaySdkError("RECEIPT_INVALID", `The receipt is invalid: ${messageOf(cause)}`, { cause });
    }
    const r = signed.receipt;
    if (r.relay !== relay)
      throw new RelaySdkError("RELAY_MISMATCH", `The receipt pays ${r.relay}, but this relay collects for ${relay}.`);
    const ticket: Pick<TicketRow, "pool_id" | "viewer"> | undefined = given.has(r.ticketHash)
      ? { pool_id: given.get(r.ticketHash)!.poolId, viewer: given.get(r.ticketHash)!.viewer }
      : q.getTicket.get(r.ticketHash);
    if (!ticket)
      throw new RelaySdkError(
        "TICKET_UNKNOWN",
        `No ticket ${r.ticketHash} is stored or given: add the viewer's ticket first.`,
      );
    if (ticket.pool_id !== r.poolId)
      throw new RelaySdkError(
        "RECEIPT_INVALID",
        `The receipt is for pool ${r.poolId}, its ticket for pool ${ticket.pool_id}.`,
      );
    const digest = verifier.receiptDigest(r);
    let signedByViewer: boolean;
    try {
      signedByViewer = verifier.isSigner(digest, signed.signature, ticket.viewer as Address);
    } catch (cause) {
      throw new RelaySdkError("RECEIPT_INVALID", `The receipt's signature is refused: ${messageOf(cause)}`, { cause });
    }
    if (!signedByViewer)
      throw new RelaySdkError("RECEIPT_INVALID", `The receipt is not signed by the ticket's viewer ${ticket.viewer}.`);
    return {
      receiptId: bytesToHex(digest),
      uniquenessKey: getUniquenessKey(r),
      ticketHash: r.ticketHash,
      size: r.size,
      json: JSON.stringify(signedChunkReceiptToJson(signed)),
    };
  };

  const insertTicket = (t: PreparedTicket): boolean =>
    q.insertTicket.run(t.ticketHash, t.poolId, t.viewer, t.json, now()).changes > 0;

  /** Inside a write transaction. */
  const insertReceipt = (p: PreparedReceipt): AddReceiptResult => {
    const existing = q.getReceipt.get(p.receiptId);
    if (existing) return { receiptId: p.receiptId, status: existing.status, duplicate: true };
    const other = q.getReceiptByKey.get(p.uniquenessKey);
    if (other)
      throw new RelaySdkError(
        "RECEIPT_CONFLICT",
        `Receipt ${other.receipt_id} for the same chunk (${p.uniquenessKey}) is already stored; a viewer is paid ` +
          `once per chunk.`,
      );
    q.insertReceipt.run(p.receiptId, p.uniquenessKey, p.ticketHash, p.size, p.json, now());
    return { receiptId: p.receiptId, status: "pending", duplicate: false };
  };

  const noteAdded = (n: number): void => {
    addedSinceBatch += n;
    if (addedSinceBatch >= limits.maxReceipts) wake?.abort();
  };

  const addTickets = (inputs: SignedTicketInput[] | undefined): Map<string, PreparedTicket> => {
    const map = new Map<string, PreparedTicket>();
    for (const t of inputs ?? []) {
      const p = prepareTicket(t);
      map.set(p.ticketHash, p);
    }
    return map;
  };

  // ---- submitting ----------------------------------------------------------------------------------

  const sendBatch = async (batch: BatchRow, maxAttempts: number, signal: AbortSignal): Promise<BatchOutcome> => {
    const base = {
      idempotencyKey: batch.idempotency_key,
      receipts: batch.receipt_count,
      accepted: 0,
      alreadyAccepted: 0,
      rejected: 0,
    };
    let attempt = batch.attempts;
    let nextAt = batch.next_attempt_at ?? 0;
    let lastError: ErrorEntry = { code: "ABORTED", message: "The relay stopped before the batch was answered." };
    for (let tries = 0; ; ) {
      if (signal.aborted) return { ...base, outcome: "incomplete", error: lastError };
      if (tries >= maxAttempts) return { ...base, outcome: "incomplete", error: lastError };
      const wait = nextAt - now();
      if (wait > 0) {
        await sleep(wait, signal);
        if (signal.aborted) return { ...base, outcome: "incomplete", error: lastError };
      }
      attempt++;
      tries++;
      store.startAttempt(batch.id, attempt, now());
      const out = await postReceiptBatch({
        client,
        idempotencyKey: batch.idempotency_key,
        body: batch.body,
        receiptCount: batch.receipt_count,
        timeoutMs: retry.requestTimeoutMs,
        signal,
      });
      const key = batch.idempotency_key;
      if (out.kind === "aborted") {
        store.finishAttempt(batch.id, attempt, now(), "aborted", {});
        emit({ type: "attempt", idempotencyKey: key, attempt, outcome: "aborted" });
        return {
          ...base,
          outcome: "incomplete",
          error: { code: "ABORTED", message: "The relay stopped while the batch was in flight." },
        };
      }
      if (out.kind === "processed") {
        store.completeBatch(batch.id, attempt, now(), out.results, out.raw, out.httpStatus, out.replayed);
        emit({ type: "attempt", idempotencyKey: key, attempt, outcome: "processed", httpStatus: out.httpStatus });
        const count = (s: string) => out.results.filter((r) => r.status === s).length;
        return {
          ...base,
          outcome: "processed",
          accepted: count("accepted"),
          alreadyAccepted: count("already_accepted"),
          rejected: count("rejected"),
        };
      }
      if (out.kind === "final") {
        const error = { code: out.code, message: out.message || `HTTP ${out.httpStatus}` };
        store.failBatch(batch.id, attempt, now(), error, out.raw, out.httpStatus);
        emit({
          type: "attempt",
          idempotencyKey: key,
          attempt,
          outcome: "final",
          httpStatus: out.httpStatus,
          code: out.code,
        });
        return { ...base, outcome: "failed", error };
      }
      const delayMs = out.retryAfterMs ?? getBackoffDelay(attempt, retry, random);
      const at = now();
      nextAt = at + delayMs;
      lastError = { code: out.code, message: out.message };
      store.scheduleRetry(
        batch.id,
        attempt,
        at,
        nextAt,
        {
          code: out.code,
          message: out.message,
          ...(out.httpStatus !== undefined ? { httpStatus: out.httpStatus } : {}),
        },
        { delayMs, ...(out.retryAfterMs !== undefined ? { retryAfterMs: out.retryAfterMs } : {}) },
      );
      emit({
        type: "attempt",
        idempotencyKey: key,
        attempt,
        outcome: "retry",
        code: out.code,
        delayMs,
        ...(out.httpStatus !== undefined ? { httpStatus: out.httpStatus } : {}),
      });
    }
  };

  const flush = (flushOptions: { maxAttempts?: number } = {}): Promise<FlushResult> =>
    exclusive(async () => {
      assertOpen();
      const signal = controller.signal;
      const maxAttempts = limit("maxAttempts", flushOptions.maxAttempts, retry.maxAttempts, Number.MAX_SAFE_INTEGER);
      const batches: BatchOutcome[] = [];
      let blocked = false;
      for (const batch of q.openBatches.all()) {
        const outcome = await sendBatch(batch, maxAttempts, signal);
        batches.push(outcome);
        if (outcome.outcome === "incomplete") {
          blocked = true;
          break;
        }
      }
      while (!blocked && !signal.aborted) {
        const batch = store.createBatch(relay, limits, keyFor, now());
        if (!batch) break;
        addedSinceBatch = Math.max(0, addedSinceBatch - batch.receipt_count);
        emit({
          type: "batch_created",
          idempotencyKey: batch.idempotency_key,
          receipts: batch.receipt_count,
          tickets: batch.ticket_count,
          bytes: batch.body.length,
        });
        const outcome = await sendBatch(batch, maxAttempts, signal);
        batches.push(outcome);
        if (outcome.outcome === "incomplete") blocked = true;
      }
      const remaining = q.unsettledCount.get()!.n;
      return { batches, remaining, complete: remaining === 0 };
    });

  const stop = async (): Promise<void> => {
    controller.abort();
    wake?.abort();
    await loop;
    await chain;
    loop = null;
    controller = new AbortController();
  };

  // ---- reading -------------------------------------------------------------------------------------

  const toBatchRecord = (row: BatchRow): BatchRecord => ({
    idempotencyKey: row.idempotency_key,
    status: row.status,
    receipts: row.receipt_count,
    tickets: row.ticket_count,
    createdAt: row.created_at,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error ? JSON.parse(row.last_error) : null,
    httpStatus: row.http_status,
    replayed: row.replayed === 1,
    accepted: row.accepted,
    alreadyAccepted: row.already_accepted,
    rejected: row.rejected,
    completedAt: row.completed_at,
  });

  const selectReceipts = (
    status: ReceiptStatus | ReceiptStatus[] | undefined,
    receiptIds: Hex[] | undefined,
    limitN: number,
    offset: number,
  ) => {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const statuses = status === undefined ? undefined : Array.isArray(status) ? status : [status];
    if (statuses) {
      for (const s of statuses)
        if (!RECEIPT_STATUSES.includes(s)) throw new RelaySdkError("INVALID_ARGUMENT", `Unknown receipt status ${s}.`);
      where.push(`r.status IN (${statuses.map(() => "?").join(", ") || "NULL"})`);
      params.push(...statuses);
    }
    if (receiptIds) {
      where.push(`r.receipt_id IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(receiptIds.map((id) => id.toLowerCase())));
    }
    const sql =
      "SELECT r.*, b.idempotency_key FROM receipts r LEFT JOIN batches b ON b.id = r.batch_id" +
      (where.length ? ` WHERE ${where.join(" AND ")}` : "") +
      " ORDER BY r.seq LIMIT ? OFFSET ?";
    return store.db.prepare(sql).all(...params, limitN, offset) as (ReceiptRow & { idempotency_key: string | null })[];
  };

  const stats = (): RelayStats => store.stats();

  const toAttempt = (a: AttemptRow) => ({
    attempt: a.attempt,
    startedAt: a.started_at,
    finishedAt: a.finished_at,
    outcome: a.outcome,
    httpStatus: a.http_status,
    code: a.error_code,
    message: a.error_message,
    retryAfterMs: a.retry_after_ms,
    delayMs: a.delay_ms,
  });

  return {
    relay,

    async addTicket(input) {
      assertOpen();
      const t = prepareTicket(input);
      const added = store.write(() => insertTicket(t));
      return { ticketHash: t.ticketHash, added };
    },

    async addReceipt(input, addOptions = {}) {
      assertOpen();
      const tickets = addTickets(addOptions.ticket ? [addOptions.ticket] : undefined);
      const p = prepareReceipt(input, tickets);
      const result = store.write(() => {
        for (const t of tickets.values()) insertTicket(t);
        return insertReceipt(p);
      });
      if (!result.duplicate) noteAdded(1);
      return result;
    },

    async addReceipts(inputs, addOptions = {}) {
      assertOpen();
      const tickets = addTickets(addOptions.tickets);
      const prepared = inputs.map((input) => prepareReceipt(input, tickets));
      const results = store.write(() => {
        for (const t of tickets.values()) insertTicket(t);
        return prepared.map(insertReceipt);
      });
      noteAdded(results.filter((r) => !r.duplicate).length);
      return results;
    },

    flush,
    submitPending: flush,

    start() {
      assertOpen();
      if (loop) return;
      const signal = controller.signal;
      loop = (async () => {
        while (!signal.aborted) {
          try {
            await flush();
          } catch (error) {
            if (!signal.aborted) emit({ type: "loop_error", error });
          }
          if (signal.aborted) break;
          wake = new AbortController();
          if (addedSinceBatch < limits.maxReceipts) await sleep(intervalMs, AbortSignal.any([signal, wake.signal]));
          wake = null;
        }
      })();
    },

    stop,

    async requeueFailed() {
      assertOpen();
      const n = store.write(() => q.requeueFailed.run().changes);
      noteAdded(n);
      return n;
    },

    listReceipts(query = {}) {
      assertOpen();
      return store.listReceipts(query);
    },

    getReceipt(receiptId) {
      assertOpen();
      return store.listReceipts({ receiptIds: [receiptId], limit: 1 })[0];
    },

    listBatches(query = {}) {
      assertOpen();
      const rows = query.status
        ? (store.db.prepare("SELECT * FROM batches WHERE status = ? ORDER BY id").all(query.status) as BatchRow[])
        : (store.db.prepare("SELECT * FROM batches ORDER BY id").all() as BatchRow[]);
      return rows.map(toBatchRecord);
    },

    evidence(query = {}): RelayEvidence {
      assertOpen();
      const rows = selectReceipts(query.status, query.receiptIds, -1, 0);
      const ticketHashes = new Set<string>();
      const batchIds = new Set<number>();
      const receipts = rows.map((row) => {
        ticketHashes.add(row.ticket_hash);
        const items = q.itemsOfReceipt.all(row.receipt_id);
        for (const item of items) batchIds.add(item.batch_id);
        return {
          receiptId: row.receipt_id as Hex,
          uniquenessKey: row.uniqueness_key,
          status: row.status,
          result: row.result,
          epoch: row.epoch,
          errors: row.errors ? (JSON.parse(row.errors) as ErrorEntry[]) : [],
          addedAt: row.added_at,
          submittedAt: row.submitted_at,
          resolvedAt: row.resolved_at,
          batches: items.map((item) => ({
            idempotencyKey: item.idempotency_key,
            position: item.position,
            result: item.result,
            epoch: item.epoch,
            errors: item.errors ? (JSON.parse(item.errors) as ErrorEntry[]) : [],
          })),
          signed: JSON.parse(row.signed_json),
        };
      });
      const tickets = [...ticketHashes].map((hash) => ({
        ticketHash: hash as Hex,
        signed: JSON.parse(q.getTicket.get(hash)!.signed_json),
      }));
      const batches = [...batchIds]
        .sort((a, b) => a - b)
        .map((id) => {
          const row = q.getBatch.get(id)!;
          return {
            ...toBatchRecord(row),
            ...(query.includeRequests === false ? {} : { request: row.body }),
            response: row.response,
            attemptLog: q.attempts.all(id).map(toAttempt),
          };
        });
      const summary = { ...stats().receipts, acceptedBytes: stats().bytes.accepted };
      return {
        format: "meshpay-relay-evidence/1",
        exportedAt: now(),
        relay,
        domain: {
          chainId: BigInt(options.domain.chainId).toString(),
          verifyingContract: options.domain.verifyingContract.toLowerCase() as Address,
        },
        aggregatorUrl: options.aggregatorUrl,
        summary,
        receipts,
        tickets,
        batches,
      };
    },

    stats() {
      assertOpen();
      return stats();
    },

    async close() {
      if (closed) return;
      await stop();
      closed = true;
      store.close();
    },
  };
}

/** INVALID_ARGUMENT unless `base` is an http(s) URL (the client posts to {base}/v1/receipts). */
function checkAggregatorUrl(base: string): void {
  let parsed: URL;
  try {
    parsed = new URL(base.endsWith("/") ? base : `${base}/`);
  } catch (cause) {
    throw new RelaySdkError("INVALID_ARGUMENT", `aggregatorUrl ${base} is not a URL.`, { cause });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new RelaySdkError("INVALID_ARGUMENT", `aggregatorUrl must be http(s), not ${parsed.protocol}`);
}

function limit(name: string, value: number | undefined, fallback: number, max: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new RelaySdkError("INVALID_ARGUMENT", `${name} must be an integer from ${min} to ${max}.`);
  return value;
}

function isTypedTicket(input: SignedTicketInput): input is SignedViewerTicket {
  return typeof (input as SignedViewerTicket)?.ticket?.notBefore === "bigint";
}

function isTypedReceipt(input: SignedReceiptInput): input is SignedChunkReceipt {
  return typeof (input as SignedChunkReceipt)?.receipt?.segment === "bigint";
}

function messageOf(err: unknown): string {
  if (err instanceof ProtocolError || err instanceof RelaySdkError)
    return err.details ? `${err.shortMessage} ${err.details}` : err.shortMessage;
  return err instanceof Error ? err.message : String(err);
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
