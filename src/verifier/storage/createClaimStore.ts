import type { Address, Hex } from "../../protocol/types.ts";
import type { VerifierStore } from "./openVerifierStore.ts";
import { updateRow } from "./updateRow.ts";

export type ClaimRow = {
  id: string;
  status: "queued" | "submitted" | "paid" | "failed";
  pool_id: Hex;
  account: Address;
  recipient: Address;
  max_fee: string;
  nonce: string;
  deadline: number;
  signature: Hex;
  given_leaf: string | null;
  given_proof: string | null;
  epoch: number | null;
  amount: string | null;
  fee: string | null;
  tx_id: number | null;
  tx_hash: Hex | null;
  attempts: number;
  error_code: string | null;
  error_message: string | null;
  created_at: number;
  updated_at: number;
};

/** A claim to queue (POST /v1/claims, checked). */
export type QueuedClaim = {
  id: string;
  poolId: Hex;
  account: Address;
  recipient: Address;
  maxFee: bigint;
  nonce: bigint;
  deadline: bigint;
  signature: Hex;
  givenLeaf: string | null;
  givenProof: string | null;
  epoch: bigint | null;
  amount: bigint;
  now: number;
};

/** Paid claims the verifier relays: queued, submitted in a transaction, then paid or failed. */
export type ClaimStore = {
  getClaim(id: string): Promise<ClaimRow | undefined>;
  /** Sets `fields` of claim `id` (and its updated_at). */
  updateClaim(id: string, fields: Partial<ClaimRow>): Promise<void>;
  /** The claim of an authorization (pool, account, nonce) that has not failed, if any. */
  findLiveClaim(poolId: Hex, account: Address, nonce: bigint): Promise<ClaimRow | undefined>;
  /** Queues a claim (the database refuses a second live claim of one authorization: claims_authorization). */
  insertQueued(c: QueuedClaim): Promise<void>;
  /** The `limit` oldest queued claims. */
  listQueued(limit: number): Promise<ClaimRow[]>;
  /** Claims submitted in transaction `txId` and not settled yet. */
  listSubmittedIn(txId: number): Promise<ClaimRow[]>;
};

/** The claim store on `store`'s engine (its SQL runs on both). */
export function createClaimStore(store: VerifierStore): ClaimStore {
  const { sql } = store;
  return {
    getClaim: (id) => sql.get<ClaimRow>("SELECT * FROM claims WHERE id = ?", [id]),
    updateClaim: (id, fields) => updateRow(sql, "claims", "id", id, fields),
    findLiveClaim: (poolId, account, nonce) =>
      sql.get<ClaimRow>("SELECT * FROM claims WHERE pool_id = ? AND account = ? AND nonce = ? AND status <> 'failed'", [
        poolId,
        account,
        nonce.toString(),
      ]),
    async insertQueued(c) {
      await sql.run(
        `INSERT INTO claims (id, status, pool_id, account, recipient, max_fee, nonce, deadline, signature, given_leaf,
           given_proof, epoch, amount, created_at, updated_at)
         VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          c.id,
          c.poolId,
          c.account,
          c.recipient,
          c.maxFee.toString(),
          c.nonce.toString(),
          Number(c.deadline),
          c.signature,
          c.givenLeaf,
          c.givenProof,
          c.epoch === null ? null : Number(c.epoch),
          c.amount.toString(),
          c.now,
          c.now,
        ],
      );
    },
    listQueued: (limit) =>
      sql.all<ClaimRow>("SELECT * FROM claims WHERE status = 'queued' ORDER BY created_at ASC LIMIT ?", [limit]),
    listSubmittedIn: (txId) =>
      sql.all<ClaimRow>("SELECT * FROM claims WHERE tx_id = ? AND status = 'submitted'", [txId]),
  };
}
