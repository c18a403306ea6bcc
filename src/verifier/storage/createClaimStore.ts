import type { Address, Hex } from "../../protocol/types.ts";
import type { VerifierStore } from "./openVerifierStore.ts";

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

export type ClaimStore = ReturnType<typeof createClaimStore>;

/** Paid claims the verifier relays: queued, submitted in a transaction, then paid or failed. */
export function createClaimStore(store: VerifierStore) {
  const { sqlite } = store;
  const q = {
    get: sqlite.prepare<[string], ClaimRow>("SELECT * FROM claims WHERE id = ?"),
    live: sqlite.prepare<[string, string, string], ClaimRow>(
      "SELECT * FROM claims WHERE pool_id = ? AND account = ? AND nonce = ? AND status <> 'failed'",
    ),
    insert: sqlite.prepare(
      `INSERT INTO claims (id, status, pool_id, account, recipient, max_fee, nonce, deadline, signature, given_leaf,
         given_proof, epoch, amount, created_at, updated_at)
       VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    queued: sqlite.prepare<[number], ClaimRow>(
      "SELECT * FROM claims WHERE status = 'queued' ORDER BY created_at ASC LIMIT ?",
    ),
    submittedIn: sqlite.prepare<[number], ClaimRow>("SELECT * FROM claims WHERE tx_id = ? AND status = 'submitted'"),
  };

  return {
    getClaim: (id: string): ClaimRow | undefined => q.get.get(id),
    /** Sets `fields` of claim `id` (and its updated_at). */
    updateClaim(id: string, fields: Partial<ClaimRow>): void {
      const keys = Object.keys(fields);
      sqlite
        .prepare(
          `UPDATE claims SET ${keys.map((k) => `${k} = @${k}`).join(", ")}, updated_at = @updated_at WHERE id = @id`,
        )
        .run({ ...fields, updated_at: Date.now(), id });
    },
    /** The claim of an authorization (pool, account, nonce) that has not failed, if any. */
    findLiveClaim: (poolId: Hex, account: Address, nonce: bigint): ClaimRow | undefined =>
      q.live.get(poolId, account, nonce.toString()),
    /** Queues a claim. */
    insertQueued(c: {
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
    }): void {
      q.insert.run(
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
      );
    },
    /** The `limit` oldest queued claims. */
    listQueued: (limit: number): ClaimRow[] => q.queued.all(limit),
    /** Claims submitted in transaction `txId` and not settled yet. */
    listSubmittedIn: (txId: number): ClaimRow[] => q.submittedIn.all(txId),
  };
}
