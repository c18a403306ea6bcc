import type Database from "better-sqlite3";
import type { Address, Hex } from "../../protocol/types.ts";
import { signedChunkReceiptFromJson } from "../../protocol/wire/signedChunkReceiptFromJson.ts";
import { RelaySdkError } from "../errors/RelaySdkError.ts";
import type { ReceiptRow } from "./openRelayStore.ts";
import type {
  BatchStatus,
  ErrorEntry,
  ListReceiptsQuery,
  ReceiptRecord,
  ReceiptStatus,
  RelayStats,
  RelayStoreReads,
  RelayStoreSummary,
} from "./types.ts";

const RECEIPT_STATUSES: ReceiptStatus[] = ["pending", "submitting", "accepted", "rejected", "failed"];
const BATCH_STATUSES: BatchStatus[] = ["open", "done", "failed"];

type ListedRow = ReceiptRow & { idempotency_key: string | null };

/**
 * The relay store's read API over an open connection (read-write in the relay, read-only in
 * openRelayStoreReader). The SQL on the store's tables stays here; summary() reads in one transaction.
 */
export function createRelayStoreReads(db: Database.Database): RelayStoreReads {
  const q = {
    meta: db.prepare<[], { key: string; value: string }>("SELECT key, value FROM relay_meta"),
    countsByStatus: db.prepare<[], { status: ReceiptStatus; n: number; bytes: number }>(
      "SELECT status, COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM receipts GROUP BY status",
    ),
    batchCounts: db.prepare<[], { status: BatchStatus; n: number }>(
      "SELECT status, COUNT(*) AS n FROM batches GROUP BY status",
    ),
    oldestUnsettled: db.prepare<[], { t: number | null }>(
      "SELECT MIN(added_at) AS t FROM receipts WHERE status IN ('pending', 'submitting')",
    ),
    lastError: db.prepare<[], { idempotency_key: string; last_error: string; last_error_at: number }>(
      "SELECT idempotency_key, last_error, last_error_at FROM batches WHERE last_error IS NOT NULL" +
        " ORDER BY last_error_at DESC, id DESC LIMIT 1",
    ),
    alreadyAccepted: db.prepare<[], { n: number }>(
      "SELECT COUNT(*) AS n FROM receipts WHERE status = 'accepted' AND result = 'already_accepted'",
    ),
    acceptedByEpoch: db.prepare<[], { epoch: number | null; n: number; bytes: number }>(
      "SELECT epoch, COUNT(*) AS n, SUM(size) AS bytes FROM receipts WHERE status = 'accepted'" +
        " GROUP BY epoch ORDER BY epoch",
    ),
    byPool: db.prepare<[], { poolId: string; epoch: number | null; status: ReceiptStatus; n: number; bytes: number }>(
      "SELECT t.pool_id AS poolId, CASE WHEN r.status = 'accepted' THEN r.epoch END AS epoch, r.status AS status," +
        " COUNT(*) AS n, COALESCE(SUM(r.size), 0) AS bytes" +
        " FROM receipts r JOIN tickets t ON t.ticket_hash = r.ticket_hash" +
        " GROUP BY t.pool_id, 2, r.status ORDER BY t.pool_id, r.status, 2",
    ),
    refusedErrors: db.prepare<[], { status: "rejected" | "failed"; errors: string | null }>(
      "SELECT status, errors FROM receipts WHERE status IN ('rejected', 'failed')",
    ),
  };

  const stats = (): RelayStats => {
    const receipts = Object.fromEntries([...RECEIPT_STATUSES, "total"].map((s) => [s, 0])) as RelayStats["receipts"];
    const bytes = { ...receipts };
    for (const row of q.countsByStatus.all()) {
      receipts[row.status] = row.n;
      bytes[row.status] = row.bytes;
      receipts.total += row.n;
      bytes.total += row.bytes;
    }
    const batches = Object.fromEntries([...BATCH_STATUSES, "total"].map((s) => [s, 0])) as RelayStats["batches"];
    for (const row of q.batchCounts.all()) {
      batches[row.status] = row.n;
      batches.total += row.n;
    }
    const last = q.lastError.get();
    return {
      receipts,
      bytes,
      batches,
      oldestUnsettledAt: q.oldestUnsettled.get()!.t,
      lastError: last
        ? {
            ...(JSON.parse(last.last_error) as ErrorEntry),
            idempotencyKey: last.idempotency_key,
            at: last.last_error_at,
          }
        : null,
    };
  };

  const summary = db.transaction((): RelayStoreSummary => {
    const out: RelayStoreSummary = {
      ...stats(),
      alreadyAccepted: q.alreadyAccepted.get()!.n,
      acceptedByEpoch: {},
      byPool: q.byPool.all().map((r) => ({
        poolId: r.poolId.toLowerCase() as Hex,
        epoch: r.epoch,
        status: r.status,
        receipts: r.n,
        bytes: r.bytes,
      })),
      rejectedByCode: {},
      failedByCode: {},
    };
    for (const row of q.acceptedByEpoch.all())
      out.acceptedByEpoch[String(row.epoch)] = { receipts: row.n, bytes: row.bytes };
    for (const row of q.refusedErrors.iterate()) {
      const target = row.status === "rejected" ? out.rejectedByCode : out.failedByCode;
      const codes = new Set<string>();
      try {
        for (const e of JSON.parse(row.errors ?? "[]") as { code?: unknown }[]) codes.add(String(e.code));
      } catch {
        codes.add("UNKNOWN");
      }
      if (codes.size === 0) codes.add("UNKNOWN");
      for (const code of codes) target[code] = (target[code] ?? 0) + 1;
    }
    return out;
  });

  const listReceipts = (query: ListReceiptsQuery = {}): ReceiptRecord[] => {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.status !== undefined) {
      const statuses = Array.isArray(query.status) ? query.status : [query.status];
      for (const s of statuses)
        if (!RECEIPT_STATUSES.includes(s)) throw new RelaySdkError("INVALID_ARGUMENT", `Unknown receipt status ${s}.`);
      where.push(`r.status IN (${statuses.map(() => "?").join(", ") || "NULL"})`);
      params.push(...statuses);
    }
    if (query.epoch !== undefined) {
      if (!Number.isSafeInteger(query.epoch))
        throw new RelaySdkError("INVALID_ARGUMENT", `epoch must be an integer, not ${query.epoch}.`);
      where.push("r.epoch = ?");
      params.push(query.epoch);
    }
    if (query.poolId !== undefined) {
      where.push("lower(t.pool_id) = ?");
      params.push(query.poolId.toLowerCase());
    }
    if (query.receiptIds !== undefined) {
      where.push("r.receipt_id IN (SELECT value FROM json_each(?))");
      params.push(JSON.stringify(query.receiptIds.map((id) => id.toLowerCase())));
    }
    const sql =
      "SELECT r.*, b.idempotency_key FROM receipts r LEFT JOIN batches b ON b.id = r.batch_id" +
      (query.poolId !== undefined ? " JOIN tickets t ON t.ticket_hash = r.ticket_hash" : "") +
      (where.length ? ` WHERE ${where.join(" AND ")}` : "") +
      ` ORDER BY r.seq ${query.order === "newest" ? "DESC" : "ASC"} LIMIT ? OFFSET ?`;
    const rows = db.prepare<unknown[], ListedRow>(sql).all(...params, query.limit ?? -1, query.offset ?? 0);
    return rows.map((row) => ({
      receiptId: row.receipt_id as Hex,
      uniquenessKey: row.uniqueness_key,
      ticketHash: row.ticket_hash as Hex,
      status: row.status,
      result: row.result,
      epoch: row.epoch,
      errors: row.errors ? (JSON.parse(row.errors) as ErrorEntry[]) : [],
      batch: row.idempotency_key,
      size: row.size,
      addedAt: row.added_at,
      submittedAt: row.submitted_at,
      resolvedAt: row.resolved_at,
      signed: signedChunkReceiptFromJson(JSON.parse(row.signed_json)),
    }));
  };

  return {
    meta() {
      const meta = new Map(q.meta.all().map((r) => [r.key, r.value]));
      return {
        relay: (meta.get("relay") ?? "0x") as Address,
        chainId: meta.get("chain_id") ?? "",
        verifyingContract: (meta.get("verifying_contract") ?? "0x") as Address,
        instanceId: meta.get("instance_id") ?? "",
      };
    },
    stats,
    summary: () => summary.deferred(),
    listReceipts,
  };
}
