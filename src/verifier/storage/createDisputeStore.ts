import type { Hex } from "../../protocol/types.ts";
import type { VerifierStore } from "./openVerifierStore.ts";
import { updateRow } from "./updateRow.ts";

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

/** Disputes relays filed: the request as received, its status and the result once evaluated. */
export type DisputeStore = {
  getDispute(id: string): Promise<DisputeRow | undefined>;
  /** Sets `fields` of dispute `id` (and its updated_at). */
  updateDispute(id: string, fields: Partial<DisputeRow>): Promise<void>;
  /** Records a dispute as received. */
  insertDispute(d: { id: string; epoch: number; relay: string | null; request: string; now: number }): Promise<void>;
  /** Disputes not evaluated yet (received, or waiting for a post or an audit), oldest first. */
  listWaitingIds(): Promise<string[]>;
};

/** The dispute store on `store`'s engine (its SQL runs on both). */
export function createDisputeStore(store: VerifierStore): DisputeStore {
  const { sql } = store;
  return {
    getDispute: (id) => sql.get<DisputeRow>("SELECT * FROM disputes WHERE id = ?", [id]),
    updateDispute: (id, fields) => updateRow(sql, "disputes", "id", id, fields),
    async insertDispute(d) {
      await sql.run(
        `INSERT INTO disputes (id, epoch, relay, request, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'received', ?, ?)`,
        [d.id, d.epoch, d.relay, d.request, d.now, d.now],
      );
    },
    listWaitingIds: async () =>
      (
        await sql.all<{ id: string }>(
          "SELECT id FROM disputes WHERE status IN ('received', 'waiting') ORDER BY created_at ASC",
        )
      ).map((r) => r.id),
  };
}
