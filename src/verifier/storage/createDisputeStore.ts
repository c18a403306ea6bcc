import type { Hex } from "../../protocol/types.ts";
import type { VerifierStore } from "./openVerifierStore.ts";

export type DisputeRow = {
  id: string;
  epoch: number;
  relay: string | null;
  request: string;
  status: string;
  result: string | null;
  post_id: string | null;
  evidence_hash: Hex | null;
  created_at: number;
  updated_at: number;
};

export type DisputeStore = ReturnType<typeof createDisputeStore>;

/** Disputes relays filed: the request as received, its status and the result once evaluated. */
export function createDisputeStore(store: VerifierStore) {
  const { sqlite } = store;
  const q = {
    get: sqlite.prepare<[string], DisputeRow>("SELECT * FROM disputes WHERE id = ?"),
    insert: sqlite.prepare<[string, number, string | null, string, number, number]>(
      `INSERT INTO disputes (id, epoch, relay, request, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'received', ?, ?)`,
    ),
    waiting: sqlite.prepare<[], { id: string }>(
      "SELECT id FROM disputes WHERE status IN ('received', 'waiting') ORDER BY created_at ASC",
    ),
  };

  return {
    getDispute: (id: string): DisputeRow | undefined => q.get.get(id),
    /** Sets `fields` of dispute `id` (and its updated_at). */
    updateDispute(id: string, fields: Partial<DisputeRow>): void {
      const keys = Object.keys(fields);
      sqlite
        .prepare(
          `UPDATE disputes SET ${keys.map((k) => `${k} = @${k}`).join(", ")}, updated_at = @updated_at WHERE id = @id`,
        )
        .run({ ...fields, updated_at: Date.now(), id });
    },
    /** Records a dispute as received. */
    insertDispute(d: { id: string; epoch: number; relay: string | null; request: string; now: number }): void {
      q.insert.run(d.id, d.epoch, d.relay, d.request, d.now, d.now);
    },
    /** Disputes not evaluated yet (received, or waiting for a post or an audit), oldest first. */
    listWaitingIds: (): string[] => q.waiting.all().map((r) => r.id),
  };
}
