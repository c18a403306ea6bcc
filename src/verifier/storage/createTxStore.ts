import type { Hex } from "../../protocol/types.ts";
import type { VerifierStore } from "./openVerifierStore.ts";

export type TxRow = {
  id: number;
  kind: string;
  ref: string;
  nonce: number;
  hash: Hex;
  raw: Hex;
  gas_price: string;
  gas_limit: string;
  status: "signed" | "mined" | "reverted" | "dropped";
  mined_block: number | null;
  gas_used: string | null;
  error: string | null;
};

/** A transaction as signed, recorded before it is broadcast. */
export type SignedTx = {
  kind: string;
  ref: string;
  nonce: number;
  hash: Hex;
  raw: Hex;
  gasPrice: bigint;
  gasLimit: bigint;
  now: number;
};

/** The verifier's own transactions: recorded when signed, before they are broadcast, and how each settled. */
export type TxStore = {
  /** Runs `fn` in one transaction (a transaction's record and what it is recorded for commit together). */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** The highest nonce of a transaction that was or may still be mined, or null. */
  getMaxNonce(): Promise<number | null>;
  /** Records a signed transaction; returns its id (ids grow and are never reused). */
  insertSigned(t: SignedTx): Promise<number>;
  getTx(id: number): Promise<TxRow | undefined>;
  markDropped(id: number, error: string, now: number): Promise<void>;
  markSettled(
    id: number,
    s: { status: "mined" | "reverted"; minedBlock: number; gasUsed: bigint; now: number },
  ): Promise<void>;
  /** Transactions signed but not settled yet, by nonce. */
  listSigned(): Promise<TxRow[]>;
  countSigned(): Promise<number>;
  /** Whether a transaction of `kind` for `ref` was signed or mined (not dropped or reverted). */
  hasLive(kind: string, ref: string): Promise<boolean>;
};

/** The transaction store on `store`'s engine (its SQL runs on both). */
export function createTxStore(store: VerifierStore): TxStore {
  const { sql } = store;
  return {
    transaction: (fn) => sql.transaction(fn),
    getMaxNonce: async () =>
      (
        await sql.get<{ n: number | null }>(
          "SELECT MAX(nonce) AS n FROM transactions WHERE status IN ('signed', 'mined', 'reverted')",
        )
      )?.n ?? null,
    async insertSigned(t) {
      const row = await sql.get<{ id: number }>(
        `INSERT INTO transactions (kind, ref, nonce, hash, raw, gas_price, gas_limit, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'signed', ?, ?) RETURNING id`,
        [t.kind, t.ref, t.nonce, t.hash, t.raw, t.gasPrice.toString(), t.gasLimit.toString(), t.now, t.now],
      );
      return Number(row!.id);
    },
    getTx: (id) => sql.get<TxRow>("SELECT * FROM transactions WHERE id = ?", [id]),
    async markDropped(id, error, now) {
      await sql.run("UPDATE transactions SET status = 'dropped', error = ?, updated_at = ? WHERE id = ?", [
        error,
        now,
        id,
      ]);
    },
    async markSettled(id, s) {
      await sql.run("UPDATE transactions SET status = ?, mined_block = ?, gas_used = ?, updated_at = ? WHERE id = ?", [
        s.status,
        s.minedBlock,
        s.gasUsed.toString(),
        s.now,
        id,
      ]);
    },
    listSigned: () => sql.all<TxRow>("SELECT * FROM transactions WHERE status = 'signed' ORDER BY nonce ASC"),
    countSigned: async () =>
      (await sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM transactions WHERE status = 'signed'"))?.n ?? 0,
    hasLive: async (kind, ref) =>
      (await sql.get<{ one: number }>(
        "SELECT 1 AS one FROM transactions WHERE kind = ? AND ref = ? AND status IN ('signed', 'mined')",
        [kind, ref],
      )) !== undefined,
  };
}
