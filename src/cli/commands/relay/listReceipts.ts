import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import type { Address, Hex } from "../../../protocol/types.ts";
import { relayStoreMigrations } from "../../../relay-sdk/relay/relayStoreMigrations.ts";
import type { CommandContext } from "../../context/CliDeps.ts";
import { resolvePath } from "../../context/resolvePath.ts";
import { CliError } from "../../errors/CliError.ts";

const STATUSES = ["pending", "submitting", "accepted", "rejected", "failed"] as const;
type Status = (typeof STATUSES)[number];

export type ReceiptsResult = {
  store: string;
  relay: Address;
  chainId: string;
  distributor: Address;
  /** Receipts and bytes by status: pending (not sent yet), submitting (sent, no answer yet), accepted, rejected, failed. */
  totals: Record<Status | "stored" | "submitted", { receipts: number; bytes: number }>;
  batches: { open: number; done: number; failed: number };
  /** Accepted receipts per pool and epoch (the epoch the aggregator credits them to), and what is not accepted per pool. */
  byPool: { poolId: Hex; epoch: number | null; status: Status; receipts: number; bytes: number }[];
  oldestUnsettledAt: number | null;
  lastError: { code: string; message: string; batch: string; at: number } | null;
  /** With --list: individual receipts, newest first. */
  receipts?: {
    receiptId: Hex;
    poolId: Hex;
    status: Status;
    epoch: number | null;
    size: number;
    addedAt: number;
    errors: { code: string; message: string }[];
  }[];
};

/**
 * `meshpay receipts`: what the local relay store (the relay SDK's SQLite file) holds — receipts and bytes stored,
 * submitted to the aggregator and accepted (per pool and epoch), rejected with reasons, and the last error. Opens the
 * file read-only: a running relay is not disturbed.
 */
export async function listReceipts(
  args: { store?: string; list?: string; limit?: string },
  ctx: CommandContext,
): Promise<ReceiptsResult> {
  const path = resolvePath(ctx.deps, args.store || ctx.deps.env.MESHPAY_RELAY_STORE || ".meshpay/relay.sqlite");
  if (!existsSync(path))
    throw new CliError("STORE_UNAVAILABLE", `No relay store at ${path}.`, {
      hint: "Give the relay's SQLite file with --store <file> (or MESHPAY_RELAY_STORE).",
    });
  const list = args.list === undefined ? undefined : args.list === "all" ? "all" : (args.list as Status);
  if (list !== undefined && list !== "all" && !STATUSES.includes(list))
    throw new CliError(
      "USAGE",
      `--list takes one of ${[...STATUSES, "all"].join(", ")}, not ${JSON.stringify(args.list)}.`,
    );
  const limit = args.limit === undefined ? 20 : Number(args.limit);
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new CliError("USAGE", `--limit must be a positive whole number, not ${JSON.stringify(args.limit)}.`);

  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (cause) {
    throw new CliError("STORE_UNAVAILABLE", `${path} cannot be opened as a relay store: ${(cause as Error).message}`, {
      cause,
    });
  }
  try {
    const version = tryGet<{ v: number }>(db, "SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations")?.v;
    const known = relayStoreMigrations.at(-1)!.version;
    if (version === undefined || version < 1)
      throw new CliError("STORE_UNAVAILABLE", `${path} is not a relay store (no schema).`);
    if (version > known)
      throw new CliError(
        "STORE_UNAVAILABLE",
        `${path} has relay store schema ${version}; this meshpay knows up to ${known}.`,
      );
    const meta = new Map(
      (db.prepare("SELECT key, value FROM relay_meta").all() as { key: string; value: string }[]).map((r) => [
        r.key,
        r.value,
      ]),
    );

    const totals = Object.fromEntries(
      [...STATUSES, "stored", "submitted"].map((s) => [s, { receipts: 0, bytes: 0 }]),
    ) as ReceiptsResult["totals"];
    for (const row of db
      .prepare("SELECT status, COUNT(*) AS n, COALESCE(SUM(size), 0) AS b FROM receipts GROUP BY status")
      .all() as { status: Status; n: number; b: number }[]) {
      totals[row.status] = { receipts: row.n, bytes: row.b };
      totals.stored.receipts += row.n;
      totals.stored.bytes += row.b;
      if (row.status !== "pending") {
        totals.submitted.receipts += row.n;
        totals.submitted.bytes += row.b;
      }
    }
    const batches = { open: 0, done: 0, failed: 0 };
    for (const row of db.prepare("SELECT status, COUNT(*) AS n FROM batches GROUP BY status").all() as {
      status: keyof typeof batches;
      n: number;
    }[])
      batches[row.status] = row.n;
    const byPool = (
      db
        .prepare(
          `SELECT t.pool_id AS poolId, CASE WHEN r.status = 'accepted' THEN r.epoch END AS epoch, r.status AS status, COUNT(*) AS receipts, COALESCE(SUM(r.size), 0) AS bytes
           FROM receipts r JOIN tickets t ON t.ticket_hash = r.ticket_hash
           GROUP BY t.pool_id, 2, r.status ORDER BY t.pool_id, r.status, 2`,
        )
        .all() as ReceiptsResult["byPool"]
    ).map((r) => ({ ...r, poolId: r.poolId.toLowerCase() as Hex }));
    const oldest = (
      db.prepare("SELECT MIN(added_at) AS t FROM receipts WHERE status IN ('pending', 'submitting')").get() as {
        t: number | null;
      }
    ).t;
    const last = db
      .prepare(
        "SELECT idempotency_key, last_error, last_error_at FROM batches WHERE last_error IS NOT NULL ORDER BY last_error_at DESC, id DESC LIMIT 1",
      )
      .get() as { idempotency_key: string; last_error: string; last_error_at: number } | undefined;
    let lastError: ReceiptsResult["lastError"] = null;
    if (last) {
      const e = JSON.parse(last.last_error) as { code?: string; message?: string };
      lastError = {
        code: e.code ?? "UNKNOWN",
        message: e.message ?? "",
        batch: last.idempotency_key,
        at: last.last_error_at,
      };
    }
    const result: ReceiptsResult = {
      store: path,
      relay: (meta.get("relay") ?? "0x") as Address,
      chainId: meta.get("chain_id") ?? "",
      distributor: (meta.get("verifying_contract") ?? "0x") as Address,
      totals,
      batches,
      byPool,
      oldestUnsettledAt: oldest,
      lastError,
    };
    if (list) {
      const rows = db
        .prepare(
          `SELECT r.receipt_id, t.pool_id, r.status, r.epoch, r.size, r.added_at, r.errors FROM receipts r JOIN tickets t ON t.ticket_hash = r.ticket_hash
           ${list === "all" ? "" : "WHERE r.status = ?"} ORDER BY r.seq DESC LIMIT ?`,
        )
        .all(...(list === "all" ? [limit] : [list, limit])) as {
        receipt_id: Hex;
        pool_id: Hex;
        status: Status;
        epoch: number | null;
        size: number;
        added_at: number;
        errors: string | null;
      }[];
      result.receipts = rows.map((r) => ({
        receiptId: r.receipt_id,
        poolId: r.pool_id,
        status: r.status,
        epoch: r.epoch,
        size: r.size,
        addedAt: r.added_at,
        errors: r.errors ? (JSON.parse(r.errors) as { code: string; message: string }[]) : [],
      }));
    }
    return result;
  } finally {
    db.close();
  }
}

function tryGet<T>(db: Database.Database, sql: string): T | undefined {
  try {
    return db.prepare(sql).get() as T | undefined;
  } catch {
    return undefined;
  }
}
