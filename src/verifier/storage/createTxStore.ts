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

export type TxStore = ReturnType<typeof createTxStore>;

/** The verifier's own transactions: recorded when signed, before they are broadcast, and how each settled. */
export function createTxStore(store: VerifierStore) {
  const { sqlite } = store;
  const q = {
    maxNonce: sqlite.prepare<[], { n: number | null }>(
      "SELECT MAX(nonce) AS n FROM transactions WHERE status IN ('signed', 'mined', 'reverted')",
    ),
    insert: sqlite.prepare<[string, string, number, string, string, string, string, number, number]>(
      `INSERT INTO transactions (kind, ref, nonce, hash, raw, gas_price, gas_limit, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'signed', ?, ?)`,
    ),
    get: sqlite.prepare<[number], TxRow>("SELECT * FROM transactions WHERE id = ?"),
    drop: sqlite.prepare<[string, number, number]>(
      "UPDATE transactions SET status = 'dropped', error = ?, updated_at = ? WHERE id = ?",
    ),
    settle: sqlite.prepare<[string, number, string, number, number]>(
      "UPDATE transactions SET status = ?, mined_block = ?, gas_used = ?, updated_at = ? WHERE id = ?",
    ),
    signed: sqlite.prepare<[], TxRow>("SELECT * FROM transactions WHERE status = 'signed' ORDER BY nonce ASC"),
    signedCount: sqlite.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM transactions WHERE status = 'signed'"),
    live: sqlite.prepare<[string, string], { one: number }>(
      "SELECT 1 AS one FROM transactions WHERE kind = ? AND ref = ? AND status IN ('signed', 'mined')",
    ),
  };

  return {
    /** Runs `fn` in one transaction (a transaction's record and what it is recorded for commit together). */
    transaction<T>(fn: () => T): T {
      return sqlite.transaction(fn)();
    },
    /** The highest nonce of a transaction that was or may still be mined, or null. */
    getMaxNonce: (): number | null => q.maxNonce.get()!.n,
    /** Records a signed transaction; returns its id. */
    insertSigned(t: {
      kind: string;
      ref: string;
      nonce: number;
      hash: Hex;
      raw: Hex;
      gasPrice: bigint;
      gasLimit: bigint;
      now: number;
    }): number {
      const r = q.insert.run(
        t.kind,
        t.ref,
        t.nonce,
        t.hash,
        t.raw,
        t.gasPrice.toString(),
        t.gasLimit.toString(),
        t.now,
        t.now,
      );
      return Number(r.lastInsertRowid);
    },
    getTx: (id: number): TxRow | undefined => q.get.get(id),
    markDropped(id: number, error: string, now: number): void {
      q.drop.run(error, now, id);
    },
    markSettled(id: number, s: { status: "mined" | "reverted"; minedBlock: number; gasUsed: bigint; now: number }) {
      q.settle.run(s.status, s.minedBlock, s.gasUsed.toString(), s.now, id);
    },
    /** Transactions signed but not settled yet, by nonce. */
    listSigned: (): TxRow[] => q.signed.all(),
    countSigned: (): number => q.signedCount.get()!.n,
    /** Whether a transaction of `kind` for `ref` was signed or mined (not dropped or reverted). */
    hasLive: (kind: string, ref: string): boolean => q.live.get(kind, ref) !== undefined,
  };
}
