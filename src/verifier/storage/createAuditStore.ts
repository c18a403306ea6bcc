import type { Hex } from "../../protocol/types.ts";
import type { PostRow } from "./createPostStore.ts";
import type { VerifierStore } from "./openVerifierStore.ts";
import { updateRow } from "./updateRow.ts";

export type AuditRow = {
  post_id: string;
  epoch: number;
  status: "pending" | "blocked" | "error" | "ok" | "faulty" | "rejected";
  fault: string | null;
  findings: string | null;
  evidence_hash: Hex | null;
  recomputed_root: Hex | null;
  attempts: number;
  first_attempt_at: number | null;
  last_error: string | null;
  challenge_status:
    | "none"
    | "pending"
    | "submitted"
    | "opened"
    | "covered"
    | "failed"
    | "missed"
    | "disabled"
    | "not_needed";
  challenge_tx_id: number | null;
  challenge_id: number | null;
  updated_at: number;
};

/** What an audited epoch validly credited to one ticket: bytes, and the uniqueness keys of its receipts. */
export type TicketUsage = { bytes: bigint; keys: string[] };

/** The audits of followed posts, the ticket usage later epochs' audits need, and evidence documents. */
export type AuditStore = {
  /** Runs `fn` in one transaction (VerifierSql.transaction). */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  getAudit(postId: string): Promise<AuditRow | undefined>;
  /** Sets `fields` of the audit of `postId` (and its updated_at). */
  updateAudit(postId: string, fields: Partial<Omit<AuditRow, "post_id">>): Promise<void>;
  /** Starts the audit of a post: pending, no attempt yet. */
  insertPendingAudit(postId: string, epoch: number, now: number): Promise<void>;
  /** Records that a post was rejected on chain: nothing to audit or challenge. */
  markRejected(postId: string, epoch: number, now: number): Promise<void>;
  /** Posts never audited or whose audit is pending, blocked or failed, in chain order. */
  listPostsToAudit(): Promise<PostRow[]>;
  /** Faulty audits whose challenge is still to send, to retry, or covered by someone else's. */
  listAuditsToChallenge(): Promise<AuditRow[]>;
  /** Audits whose challenge of ours is open on chain. */
  listOpenedChallenges(): Promise<AuditRow[]>;
  /** Faulty audits whose challenge of ours expired unanswered on chain (the post stands). */
  listExpiredChallenges(): Promise<AuditRow[]>;
  /** Posts audited with their bundle in hand (their ticket usage is recorded). */
  listRecomputedPostIds(): Promise<string[]>;
  /** Replaces the ticket usage recorded for a post (in one transaction). */
  replaceTicketUsage(postId: string, epoch: number, usage: ReadonlyMap<string, TicketUsage>): Promise<void>;
  getTicketUsage(postId: string, ticketHash: string): Promise<TicketUsage | undefined>;
  /** What post `postId` credited to each of `ticketHashes` that it credited anything to. */
  listTicketUsage(postId: string, ticketHashes: readonly string[]): Promise<Map<string, TicketUsage>>;
  /** Stores an evidence document (a second insert of the same hash is ignored). */
  insertEvidence(e: {
    hash: Hex;
    postId: string;
    epoch: number;
    fault: string;
    bytes: Uint8Array;
    createdAt: number;
  }): Promise<void>;
  getEvidence(hash: string): Promise<Buffer | undefined>;
};

/** The audit store on `store`'s engine (its SQL runs on both). */
export function createAuditStore(store: VerifierStore): AuditStore {
  const { sql } = store;
  return {
    transaction: (fn) => sql.transaction(fn),
    getAudit: (postId) => sql.get<AuditRow>("SELECT * FROM audits WHERE post_id = ?", [postId]),
    async updateAudit(postId, fields) {
      await updateRow(sql, "audits", "post_id", postId, fields);
    },
    async insertPendingAudit(postId, epoch, now) {
      await sql.run(
        `INSERT INTO audits (post_id, epoch, status, attempts, first_attempt_at, updated_at)
         VALUES (?, ?, 'pending', 0, ?, ?)`,
        [postId, epoch, now, now],
      );
    },
    async markRejected(postId, epoch, now) {
      await sql.run(
        `INSERT INTO audits (post_id, epoch, status, attempts, updated_at, challenge_status)
         VALUES (?, ?, 'rejected', 0, ?, 'not_needed')
         ON CONFLICT(post_id) DO UPDATE SET status = 'rejected', challenge_status = 'not_needed',
           updated_at = excluded.updated_at`,
        [postId, epoch, now],
      );
    },
    listPostsToAudit: () =>
      sql.all<PostRow>(
        `SELECT p.* FROM posts p LEFT JOIN audits a ON a.post_id = p.id
         WHERE a.status IS NULL OR a.status IN ('pending', 'blocked', 'error')
         ORDER BY p.block_number ASC, p.log_index ASC`,
      ),
    listAuditsToChallenge: () =>
      sql.all<AuditRow>(
        `SELECT * FROM audits WHERE status = 'faulty' AND challenge_status IN ('pending', 'failed', 'covered')
         ORDER BY epoch ASC`,
      ),
    listOpenedChallenges: () =>
      sql.all<AuditRow>(
        `SELECT a.* FROM audits a JOIN challenges c ON c.id = a.challenge_id
         WHERE a.challenge_status = 'opened' AND c.status = 'open'`,
      ),
    listExpiredChallenges: () =>
      sql.all<AuditRow>(
        `SELECT a.* FROM audits a JOIN challenges c ON c.id = a.challenge_id
         WHERE a.status = 'faulty' AND a.challenge_status = 'opened' AND c.status = 'expired'`,
      ),
    listRecomputedPostIds: async () =>
      (
        await sql.all<{ post_id: string }>(
          "SELECT post_id FROM audits WHERE status IN ('ok', 'faulty') AND recomputed_root IS NOT NULL",
        )
      ).map((r) => r.post_id),
    replaceTicketUsage: (postId, epoch, usage) =>
      sql.transaction(async () => {
        await sql.run("DELETE FROM ticket_usage WHERE post_id = ?", [postId]);
        // Multi-row inserts of 500 tickets (2,500 placeholders): one round trip each on PostgreSQL, not one a ticket.
        const rows = [...usage];
        for (let i = 0; i < rows.length; i += 500) {
          const chunk = rows.slice(i, i + 500);
          await sql.run(
            `INSERT INTO ticket_usage (post_id, epoch, ticket_hash, bytes, keys) VALUES ${chunk
              .map(() => "(?, ?, ?, ?, ?)")
              .join(", ")}`,
            chunk.flatMap(([h, u]) => [postId, epoch, h, u.bytes.toString(), JSON.stringify(u.keys)]),
          );
        }
      }),
    async getTicketUsage(postId, ticketHash) {
      const row = await sql.get<{ bytes: string; keys: string }>(
        "SELECT bytes, keys FROM ticket_usage WHERE post_id = ? AND ticket_hash = ?",
        [postId, ticketHash],
      );
      return row ? { bytes: BigInt(row.bytes), keys: JSON.parse(row.keys) as string[] } : undefined;
    },
    async listTicketUsage(postId, ticketHashes) {
      const found = new Map<string, TicketUsage>();
      // A bounded number of placeholders per statement (SQLite allows 32,766, PostgreSQL 65,535).
      for (let i = 0; i < ticketHashes.length; i += 500) {
        const chunk = ticketHashes.slice(i, i + 500);
        const rows = await sql.all<{ ticket_hash: string; bytes: string; keys: string }>(
          `SELECT ticket_hash, bytes, keys FROM ticket_usage WHERE post_id = ? AND ticket_hash IN (${chunk
            .map(() => "?")
            .join(", ")})`,
          [postId, ...chunk],
        );
        for (const r of rows)
          found.set(r.ticket_hash, { bytes: BigInt(r.bytes), keys: JSON.parse(r.keys) as string[] });
      }
      return found;
    },
    async insertEvidence(e) {
      await sql.run(
        `INSERT INTO evidence (hash, post_id, epoch, fault, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
        [e.hash, e.postId, e.epoch, e.fault, Buffer.from(e.bytes), e.createdAt],
      );
    },
    getEvidence: async (hash) =>
      (await sql.get<{ bytes: Buffer }>("SELECT bytes FROM evidence WHERE hash = ?", [hash]))?.bytes,
  };
}
