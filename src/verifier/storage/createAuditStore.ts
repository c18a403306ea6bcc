import type { Hex } from "../../protocol/types.ts";
import type { PostRow } from "./createPostStore.ts";
import type { VerifierStore } from "./openVerifierStore.ts";

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

export type AuditStore = ReturnType<typeof createAuditStore>;

/** The audits of followed posts, the ticket usage later epochs' audits need, and evidence documents. */
export function createAuditStore(store: VerifierStore) {
  const { sqlite } = store;
  const q = {
    get: sqlite.prepare<[string], AuditRow>("SELECT * FROM audits WHERE post_id = ?"),
    insertPending: sqlite.prepare<[string, number, number, number]>(
      `INSERT INTO audits (post_id, epoch, status, attempts, first_attempt_at, updated_at)
       VALUES (?, ?, 'pending', 0, ?, ?)`,
    ),
    upsertRejected: sqlite.prepare<[string, number, number]>(
      `INSERT INTO audits (post_id, epoch, status, attempts, updated_at, challenge_status)
       VALUES (?, ?, 'rejected', 0, ?, 'not_needed')
       ON CONFLICT(post_id) DO UPDATE SET status = 'rejected', challenge_status = 'not_needed',
         updated_at = excluded.updated_at`,
    ),
    toAudit: sqlite.prepare<[], PostRow>(
      `SELECT p.* FROM posts p LEFT JOIN audits a ON a.post_id = p.id
       WHERE a.status IS NULL OR a.status IN ('pending', 'blocked', 'error')
       ORDER BY p.block_number ASC, p.log_index ASC`,
    ),
    toChallenge: sqlite.prepare<[], AuditRow>(
      `SELECT * FROM audits WHERE status = 'faulty' AND challenge_status IN ('pending', 'failed', 'covered')
       ORDER BY epoch ASC`,
    ),
    openedChallenges: sqlite.prepare<[], AuditRow>(
      `SELECT a.* FROM audits a JOIN challenges c ON c.id = a.challenge_id
       WHERE a.challenge_status = 'opened' AND c.status = 'open'`,
    ),
    expiredChallenges: sqlite.prepare<[], AuditRow>(
      `SELECT a.* FROM audits a JOIN challenges c ON c.id = a.challenge_id
       WHERE a.status = 'faulty' AND a.challenge_status = 'opened' AND c.status = 'expired'`,
    ),
    recomputed: sqlite.prepare<[], { post_id: string }>(
      "SELECT post_id FROM audits WHERE status IN ('ok', 'faulty') AND recomputed_root IS NOT NULL",
    ),
    deleteUsage: sqlite.prepare<[string]>("DELETE FROM ticket_usage WHERE post_id = ?"),
    insertUsage: sqlite.prepare<[string, number, string, string, string]>(
      "INSERT INTO ticket_usage (post_id, epoch, ticket_hash, bytes, keys) VALUES (?, ?, ?, ?, ?)",
    ),
    getUsage: sqlite.prepare<[string, string], { bytes: string; keys: string }>(
      "SELECT bytes, keys FROM ticket_usage WHERE post_id = ? AND ticket_hash = ?",
    ),
    insertEvidence: sqlite.prepare<[string, string, number, string, Buffer, number]>(
      "INSERT OR IGNORE INTO evidence (hash, post_id, epoch, fault, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    getEvidence: sqlite.prepare<[string], { bytes: Buffer }>("SELECT bytes FROM evidence WHERE hash = ?"),
  };

  return {
    /** Runs `fn` in one transaction. */
    transaction<T>(fn: () => T): T {
      return sqlite.transaction(fn)();
    },
    getAudit: (postId: string): AuditRow | undefined => q.get.get(postId),
    /** Sets `fields` of the audit of `postId` (and its updated_at). */
    updateAudit(postId: string, fields: Partial<Omit<AuditRow, "post_id">>): void {
      const keys = Object.keys(fields);
      sqlite
        .prepare(
          `UPDATE audits SET ${keys.map((k) => `${k} = @${k}`).join(", ")}, updated_at = @updated_at
           WHERE post_id = @post_id`,
        )
        .run({ ...fields, updated_at: Date.now(), post_id: postId });
    },
    /** Starts the audit of a post: pending, no attempt yet. */
    insertPendingAudit(postId: string, epoch: number, now: number): void {
      q.insertPending.run(postId, epoch, now, now);
    },
    /** Records that a post was rejected on chain: nothing to audit or challenge. */
    markRejected(postId: string, epoch: number, now: number): void {
      q.upsertRejected.run(postId, epoch, now);
    },
    /** Posts never audited or whose audit is pending, blocked or failed, in chain order. */
    listPostsToAudit: (): PostRow[] => q.toAudit.all(),
    /** Faulty audits whose challenge is still to send, to retry, or covered by someone else's. */
    listAuditsToChallenge: (): AuditRow[] => q.toChallenge.all(),
    /** Audits whose challenge of ours is open on chain. */
    listOpenedChallenges: (): AuditRow[] => q.openedChallenges.all(),
    /** Faulty audits whose challenge of ours expired unanswered on chain (the post stands). */
    listExpiredChallenges: (): AuditRow[] => q.expiredChallenges.all(),
    /** Posts audited with their bundle in hand (their ticket usage is recorded). */
    listRecomputedPostIds: (): string[] => q.recomputed.all().map((r) => r.post_id),
    /** Replaces the ticket usage recorded for a post. */
    replaceTicketUsage(postId: string, epoch: number, usage: ReadonlyMap<string, TicketUsage>): void {
      q.deleteUsage.run(postId);
      for (const [h, u] of usage) q.insertUsage.run(postId, epoch, h, u.bytes.toString(), JSON.stringify(u.keys));
    },
    getTicketUsage(postId: string, ticketHash: string): TicketUsage | undefined {
      const row = q.getUsage.get(postId, ticketHash);
      return row ? { bytes: BigInt(row.bytes), keys: JSON.parse(row.keys) as string[] } : undefined;
    },
    /** Stores an evidence document (a second insert of the same hash is ignored). */
    insertEvidence(e: {
      hash: Hex;
      postId: string;
      epoch: number;
      fault: string;
      bytes: Uint8Array;
      createdAt: number;
    }) {
      q.insertEvidence.run(e.hash, e.postId, e.epoch, e.fault, Buffer.from(e.bytes), e.createdAt);
    },
    getEvidence: (hash: string): Buffer | undefined => q.getEvidence.get(hash)?.bytes,
  };
}
