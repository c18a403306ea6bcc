import { randomBytes } from "node:crypto";
import type Database from "better-sqlite3";
import { applyMigrations } from "../../protocol/node/applyMigrations.ts";
import type { Address, MeshpayDomain } from "../../protocol/types.ts";
import { RelaySdkError } from "../errors/RelaySdkError.ts";
import { createRelayStoreReads } from "./createRelayStoreReads.ts";
import { newSqliteDatabase } from "./newSqliteDatabase.ts";
import { relayStoreMigrations } from "./relayStoreMigrations.ts";
import type { AggregatorResult, BatchStatus, ErrorEntry, ReceiptStatus } from "./types.ts";

export type TicketRow = { ticket_hash: string; pool_id: string; viewer: string; signed_json: string; added_at: number };
export type ReceiptRow = {
  seq: number;
  receipt_id: string;
  uniqueness_key: string;
  ticket_hash: string;
  size: number;
  signed_json: string;
  status: ReceiptStatus;
  batch_id: number | null;
  result: AggregatorResult | null;
  epoch: number | null;
  errors: string | null;
  added_at: number;
  submitted_at: number | null;
  resolved_at: number | null;
};
export type BatchRow = {
  id: number;
  idempotency_key: string;
  status: BatchStatus;
  receipt_count: number;
  ticket_count: number;
  body: string;
  created_at: number;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  last_error_at: number | null;
  http_status: number | null;
  response: string | null;
  replayed: number;
  accepted: number | null;
  already_accepted: number | null;
  rejected: number | null;
  completed_at: number | null;
};
export type BatchItemRow = {
  batch_id: number;
  position: number;
  receipt_id: string;
  result: AggregatorResult | null;
  reported_receipt_id: string | null;
  epoch: number | null;
  errors: string | null;
};
export type AttemptRow = {
  batch_id: number;
  attempt: number;
  started_at: number;
  finished_at: number | null;
  outcome: "processed" | "retry" | "final" | "aborted" | null;
  http_status: number | null;
  error_code: string | null;
  error_message: string | null;
  retry_after_ms: number | null;
  delay_ms: number | null;
};

/** One receipt's answer inside a processed batch, in request order. */
export type ItemResult = {
  status: AggregatorResult;
  receiptId: string | null;
  epoch: number | null;
  errors: ErrorEntry[];
};

export type BatchLimits = { maxReceipts: number; maxTickets: number; maxBytes: number };

export type OpenRelayStoreOptions = {
  relay: Address;
  domain: MeshpayDomain;
  synchronous: "FULL" | "NORMAL";
  now: () => number;
};

/**
 * The store's prepared statements, spelled out so that the published .d.ts can name them (an inferred
 * better-sqlite3 Statement type cannot be written in a declaration file).
 */
export type RelayStoreStatements = {
  getTicket: Database.Statement<[string], TicketRow>;
  insertTicket: Database.Statement<unknown[], unknown>;
  getReceipt: Database.Statement<[string], ReceiptRow>;
  getReceiptByKey: Database.Statement<[string], ReceiptRow>;
  insertReceipt: Database.Statement<unknown[], unknown>;
  pendingReceipts: Database.Statement<[number], Pick<ReceiptRow, "seq" | "receipt_id" | "ticket_hash" | "signed_json">>;
  nextBatchId: Database.Statement<[], { id: number }>;
  insertBatch: Database.Statement<unknown[], unknown>;
  insertItem: Database.Statement<unknown[], unknown>;
  markSubmitting: Database.Statement<unknown[], unknown>;
  getBatch: Database.Statement<[number], BatchRow>;
  openBatches: Database.Statement<[], BatchRow>;
  startAttempt: Database.Statement<unknown[], unknown>;
  insertAttempt: Database.Statement<unknown[], unknown>;
  markSubmitted: Database.Statement<unknown[], unknown>;
  finishAttempt: Database.Statement<unknown[], unknown>;
  scheduleRetry: Database.Statement<unknown[], unknown>;
  batchItems: Database.Statement<[number], BatchItemRow>;
  setItem: Database.Statement<unknown[], unknown>;
  resolveReceipt: Database.Statement<unknown[], unknown>;
  completeBatch: Database.Statement<unknown[], unknown>;
  requeueFailed: Database.Statement<unknown[], unknown>;
  attempts: Database.Statement<[number], AttemptRow>;
  itemsOfReceipt: Database.Statement<[string], BatchItemRow & { idempotency_key: string }>;
  unsettledCount: Database.Statement<[], { n: number }>;
  pendingCount: Database.Statement<[], { n: number }>;
};

export type RelayStore = ReturnType<typeof openRelayStore>;

/**
 * Opens (creating and migrating when needed) the relay's SQLite file: WAL journal, the chosen `synchronous`
 * level, foreign keys on. Refuses a file that belongs to another relay or domain (STORE_MISMATCH) or was
 * written by a newer schema (STORE_SCHEMA_TOO_NEW). Every method is synchronous and each write is one
 * transaction, committed when the method returns. Tools outside the relay SDK read a store with
 * openRelayStoreReader, never through its tables.
 */
export function openRelayStore(dbPath: string, options: OpenRelayStoreOptions) {
  const db = newSqliteDatabase(dbPath);
  let instanceId: string;
  try {
    db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${options.synchronous}`);
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    migrate(db, options.now);
    instanceId = checkMeta(db, options);
  } catch (err) {
    db.close();
    throw err;
  }

  const q: RelayStoreStatements = {
    getTicket: db.prepare<[string], TicketRow>("SELECT * FROM tickets WHERE ticket_hash = ?"),
    insertTicket: db.prepare(
      "INSERT INTO tickets (ticket_hash, pool_id, viewer, signed_json, added_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT " +
        "(ticket_hash) DO NOTHING",
    ),
    getReceipt: db.prepare<[string], ReceiptRow>("SELECT * FROM receipts WHERE receipt_id = ?"),
    getReceiptByKey: db.prepare<[string], ReceiptRow>("SELECT * FROM receipts WHERE uniqueness_key = ?"),
    insertReceipt: db.prepare(
      "INSERT INTO receipts (receipt_id, uniqueness_key, ticket_hash, size, signed_json, status, added_at) VALUES " +
        "(?, ?, ?, ?, ?, 'pending', ?)",
    ),
    pendingReceipts: db.prepare<[number], Pick<ReceiptRow, "seq" | "receipt_id" | "ticket_hash" | "signed_json">>(
      "SELECT seq, receipt_id, ticket_hash, signed_json FROM receipts WHERE status = 'pending' ORDER BY seq LIMIT ?",
    ),
    nextBatchId: db.prepare<[], { id: number }>("SELECT COALESCE(MAX(id), 0) + 1 AS id FROM batches"),
    insertBatch: db.prepare(
      "INSERT INTO batches (id, idempotency_key, status, receipt_count, ticket_count, body, created_at, " +
        "next_attempt_at) VALUES (?, ?, 'open', ?, ?, ?, ?, ?)",
    ),
    insertItem: db.prepare("INSERT INTO batch_items (batch_id, position, receipt_id) VALUES (?, ?, ?)"),
    markSubmitting: db.prepare(
      "UPDATE receipts SET status = 'submitting', batch_id = ?, result = NULL, epoch = NULL, errors = NULL, " +
        "submitted_at = NULL, resolved_at = NULL WHERE seq = ?",
    ),
    getBatch: db.prepare<[number], BatchRow>("SELECT * FROM batches WHERE id = ?"),
    openBatches: db.prepare<[], BatchRow>("SELECT * FROM batches WHERE status = 'open' ORDER BY id"),
    startAttempt: db.prepare("UPDATE batches SET attempts = ? WHERE id = ?"),
    insertAttempt: db.prepare("INSERT INTO batch_attempts (batch_id, attempt, started_at) VALUES (?, ?, ?)"),
    markSubmitted: db.prepare(
      "UPDATE receipts SET submitted_at = ? WHERE batch_id = ? AND status = 'submitting' AND submitted_at IS NULL",
    ),
    finishAttempt: db.prepare(
      "UPDATE batch_attempts SET finished_at = ?, outcome = ?, http_status = ?, error_code = ?, error_message = ?, " +
        "retry_after_ms = ?, delay_ms = ? WHERE batch_id = ? AND attempt = ?",
    ),
    scheduleRetry: db.prepare("UPDATE batches SET next_attempt_at = ?, last_error = ?, last_error_at = ? WHERE id = ?"),
    batchItems: db.prepare<[number], BatchItemRow>("SELECT * FROM batch_items WHERE batch_id = ? ORDER BY position"),
    setItem: db.prepare(
      "UPDATE batch_items SET result = ?, reported_receipt_id = ?, epoch = ?, errors = ? WHERE batch_id = ? AND " +
        "position = ?",
    ),
    resolveReceipt: db.prepare(
      "UPDATE receipts SET status = ?, result = ?, epoch = ?, errors = ?, resolved_at = ? WHERE receipt_id = ? AND " +
        "batch_id = ?",
    ),
    completeBatch: db.prepare(
      "UPDATE batches SET status = ?, http_status = ?, response = ?, replayed = ?, accepted = ?, already_accepted = " +
        "?, rejected = ?, completed_at = ?, next_attempt_at = NULL, last_error = COALESCE(?, last_error), " +
        "last_error_at = COALESCE(?, last_error_at) WHERE id = ?",
    ),
    requeueFailed: db.prepare(
      "UPDATE receipts SET status = 'pending', result = NULL, epoch = NULL, errors = NULL, resolved_at = NULL WHERE " +
        "status = 'failed'",
    ),
    attempts: db.prepare<[number], AttemptRow>("SELECT * FROM batch_attempts WHERE batch_id = ? ORDER BY attempt"),
    itemsOfReceipt: db.prepare<[string], BatchItemRow & { idempotency_key: string }>(
      "SELECT i.*, b.idempotency_key FROM batch_items i JOIN batches b ON b.id = i.batch_id WHERE i.receipt_id = ? " +
        "ORDER BY i.batch_id",
    ),
    unsettledCount: db.prepare<[], { n: number }>(
      "SELECT COUNT(*) AS n FROM receipts WHERE status IN ('pending', 'submitting')",
    ),
    pendingCount: db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM receipts WHERE status = 'pending'"),
  };

  const finishAttempt = (
    batchId: number,
    attempt: number,
    nowMs: number,
    outcome: NonNullable<AttemptRow["outcome"]>,
    info: { httpStatus?: number; code?: string; message?: string; retryAfterMs?: number; delayMs?: number },
  ): void => {
    q.finishAttempt.run(
      nowMs,
      outcome,
      info.httpStatus ?? null,
      info.code ?? null,
      info.message ?? null,
      info.retryAfterMs ?? null,
      info.delayMs ?? null,
      batchId,
      attempt,
    );
  };

  return {
    db: db as Database.Database,
    instanceId,
    q,
    /** The read API (meta, stats, summary, listReceipts), the same openRelayStoreReader gives read-only. */
    ...createRelayStoreReads(db),
    /** Runs `fn` in one IMMEDIATE transaction (a single writer; committed on return, rolled back on throw). */
    write<T>(fn: () => T): T {
      return db.transaction(fn).immediate();
    },

    /**
     * Takes the oldest pending receipts (within `limits`), writes the batch with its exact request body and
     * items, and marks the receipts submitting — one transaction, before anything is sent.
     */
    createBatch(relay: Address, limits: BatchLimits, keyFor: (id: number) => string, nowMs: number): BatchRow | null {
      return db
        .transaction((): BatchRow | null => {
          const rows = q.pendingReceipts.all(limits.maxReceipts);
          if (rows.length === 0) return null;
          const head = `{"relay":${JSON.stringify(relay)},"tickets":[`;
          const mid = `],"receipts":[`;
          const tail = `]}`;
          let bytes = head.length + mid.length + tail.length;
          const ticketJsons: string[] = [];
          const ticketSeen = new Set<string>();
          const chosen: typeof rows = [];
          for (const row of rows) {
            let extra = row.signed_json.length + (chosen.length > 0 ? 1 : 0);
            let ticketJson: string | undefined;
            if (!ticketSeen.has(row.ticket_hash)) {
              if (ticketJsons.length >= limits.maxTickets) break;
              ticketJson = q.getTicket.get(row.ticket_hash)!.signed_json;
              extra += ticketJson.length + (ticketJsons.length > 0 ? 1 : 0);
            }
            if (chosen.length > 0 && bytes + extra > limits.maxBytes) break;
            bytes += extra;
            chosen.push(row);
            if (ticketJson !== undefined) {
              ticketSeen.add(row.ticket_hash);
              ticketJsons.push(ticketJson);
            }
          }
          const body = head + ticketJsons.join(",") + mid + chosen.map((r) => r.signed_json).join(",") + tail;
          const id = q.nextBatchId.get()!.id;
          q.insertBatch.run(id, keyFor(id), chosen.length, ticketJsons.length, body, nowMs, nowMs);
          chosen.forEach((row, position) => {
            q.insertItem.run(id, position, row.receipt_id);
            q.markSubmitting.run(id, row.seq);
          });
          return q.getBatch.get(id)!;
        })
        .immediate();
    },

    /** Records the start of an attempt (committed before the request goes out). */
    startAttempt(batchId: number, attempt: number, nowMs: number): void {
      db.transaction(() => {
        q.startAttempt.run(attempt, batchId);
        q.insertAttempt.run(batchId, attempt, nowMs);
        q.markSubmitted.run(nowMs, batchId);
      }).immediate();
    },

    finishAttempt,

    /** A retryable failure: remember it and when the next attempt may start. */
    scheduleRetry(
      batchId: number,
      attempt: number,
      nowMs: number,
      nextAt: number,
      error: ErrorEntry & { httpStatus?: number },
      info: { retryAfterMs?: number; delayMs: number },
    ): void {
      db.transaction(() => {
        q.scheduleRetry.run(nextAt, JSON.stringify(error), nowMs, batchId);
        finishAttempt(batchId, attempt, nowMs, "retry", {
          ...(error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {}),
          code: error.code,
          message: error.message,
          ...info,
        });
      }).immediate();
    },

    /** A 200 answer: per-receipt results onto items and receipts, the raw answer onto the batch. */
    completeBatch(
      batchId: number,
      attempt: number,
      nowMs: number,
      results: ItemResult[],
      raw: string,
      httpStatus: number,
      replayed: boolean,
    ): void {
      db.transaction(() => {
        const items = q.batchItems.all(batchId);
        let accepted = 0;
        let already = 0;
        let rejected = 0;
        items.forEach((item, i) => {
          const r = results[i]!;
          const errors = r.errors.length > 0 ? JSON.stringify(r.errors) : null;
          q.setItem.run(r.status, r.receiptId, r.epoch, errors, batchId, item.position);
          const status: ReceiptStatus = r.status === "rejected" ? "rejected" : "accepted";
          q.resolveReceipt.run(status, r.status, r.epoch, errors, nowMs, item.receipt_id, batchId);
          if (r.status === "accepted") accepted++;
          else if (r.status === "already_accepted") already++;
          else rejected++;
        });
        q.completeBatch.run(
          "done",
          httpStatus,
          raw,
          replayed ? 1 : 0,
          accepted,
          already,
          rejected,
          nowMs,
          null,
          null,
          batchId,
        );
        finishAttempt(batchId, attempt, nowMs, "processed", { httpStatus });
      }).immediate();
    },

    /** A final whole-request error: the batch and its receipts fail with that code. */
    failBatch(
      batchId: number,
      attempt: number,
      nowMs: number,
      error: ErrorEntry,
      raw: string | null,
      httpStatus: number | null,
    ): void {
      db.transaction(() => {
        const errors = JSON.stringify([error]);
        for (const item of q.batchItems.all(batchId)) {
          q.setItem.run(null, null, null, errors, batchId, item.position);
          q.resolveReceipt.run("failed", null, null, errors, nowMs, item.receipt_id, batchId);
        }
        const last = JSON.stringify(httpStatus === null ? error : { ...error, httpStatus });
        q.completeBatch.run("failed", httpStatus, raw, 0, null, null, null, nowMs, last, nowMs, batchId);
        finishAttempt(batchId, attempt, nowMs, "final", {
          ...(httpStatus !== null ? { httpStatus } : {}),
          code: error.code,
          message: error.message,
        });
      }).immediate();
    },

    close(): void {
      db.close();
    },
  };
}

function migrate(db: Database.Database, now: () => number): void {
  applyMigrations(db, relayStoreMigrations, {
    now,
    tooNew: (found, known) =>
      new RelaySdkError(
        "STORE_SCHEMA_TOO_NEW",
        `The relay store is at schema version ${found}; this SDK knows up to ${known}.`,
      ),
  });
}

function checkMeta(db: Database.Database, options: OpenRelayStoreOptions): string {
  const expected: Record<string, string> = {
    relay: options.relay.toLowerCase(),
    chain_id: BigInt(options.domain.chainId).toString(),
    verifying_contract: options.domain.verifyingContract.toLowerCase(),
  };
  return db
    .transaction(() => {
      const rows = db.prepare("SELECT key, value FROM relay_meta").all() as { key: string; value: string }[];
      const meta = new Map(rows.map((r) => [r.key, r.value]));
      if (meta.size === 0) {
        const fresh: Record<string, string> = {
          ...expected,
          instance_id: randomBytes(8).toString("hex"),
          created_at: String(options.now()),
        };
        const insert = db.prepare("INSERT INTO relay_meta (key, value) VALUES (?, ?)");
        for (const [k, v] of Object.entries(fresh)) {
          insert.run(k, v);
          meta.set(k, v);
        }
      }
      for (const [k, v] of Object.entries(expected))
        if (meta.get(k) !== v)
          throw new RelaySdkError(
            "STORE_MISMATCH",
            `This relay store was created for ${k} = ${meta.get(k)}, not ${v}.`,
          );
      return meta.get("instance_id")!;
    })
    .immediate();
}
