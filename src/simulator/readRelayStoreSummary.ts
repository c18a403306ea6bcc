import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import type { CodeCounts, EpochTally } from "./types.ts";

export type RelayStoreSummary = {
  byStatus: Record<"pending" | "submitting" | "accepted" | "rejected" | "failed", number>;
  total: number;
  acceptedBytes: number;
  alreadyAccepted: number;
  acceptedByEpoch: EpochTally;
  rejectedByCode: CodeCounts;
  failedByCode: CodeCounts;
};

/**
 * Reads what a relay SDK store holds (docs/relay-sdk.md, "Store schema") through a read-only connection:
 * receipts per status, accepted receipts and bytes per epoch the aggregator credited them to, and the codes
 * of refused receipts. Works while the relay has the file open (WAL) and after it closed it.
 */
export function readRelayStoreSummary(dbPath: string): RelayStoreSummary {
  const out: RelayStoreSummary = {
    byStatus: { pending: 0, submitting: 0, accepted: 0, rejected: 0, failed: 0 },
    total: 0,
    acceptedBytes: 0,
    alreadyAccepted: 0,
    acceptedByEpoch: {},
    rejectedByCode: {},
    failedByCode: {},
  };
  if (!existsSync(dbPath)) return out;
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    const read = db.transaction(() => {
      for (const row of db
        .prepare("SELECT status, count(*) AS n, coalesce(sum(size), 0) AS bytes FROM receipts GROUP BY status")
        .all() as {
        status: keyof RelayStoreSummary["byStatus"];
        n: number;
        bytes: number;
      }[]) {
        out.byStatus[row.status] = row.n;
        out.total += row.n;
        if (row.status === "accepted") out.acceptedBytes = row.bytes;
      }
      out.alreadyAccepted = (
        db
          .prepare("SELECT count(*) AS n FROM receipts WHERE status = 'accepted' AND result = 'already_accepted'")
          .get() as { n: number }
      ).n;
      for (const row of db
        .prepare(
          "SELECT epoch, count(*) AS n, sum(size) AS bytes FROM receipts WHERE status = 'accepted' GROUP BY epoch ORDER BY epoch",
        )
        .all() as { epoch: number | null; n: number; bytes: number }[])
        out.acceptedByEpoch[String(row.epoch)] = { receipts: row.n, bytes: row.bytes };
      for (const row of db
        .prepare("SELECT status, errors FROM receipts WHERE status IN ('rejected', 'failed')")
        .iterate() as Iterable<{
        status: "rejected" | "failed";
        errors: string | null;
      }>) {
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
    });
    read();
  } finally {
    db.close();
  }
  return out;
}
