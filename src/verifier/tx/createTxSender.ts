import type { Logger } from "pino";
import {
  keccak256,
  type LocalAccount,
  type TransactionReceipt,
  TransactionReceiptNotFoundError,
  type Hex as ViemHex,
} from "viem";
import { isAlreadyKnownTxError } from "../../contracts/isAlreadyKnownTxError.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import type { VerifierPublicClient } from "../chain/types.ts";
import { createTxStore, type TxRow } from "../storage/createTxStore.ts";
import type { VerifierStore } from "../storage/openVerifierStore.ts";

export type TxOutcome =
  | { status: "mined" | "reverted"; tx: TxRow; receipt: TransactionReceipt }
  | { status: "dropped"; tx: TxRow; reason: string };

export type TxRequest = {
  kind: string;
  ref: string;
  to: Address;
  data: Hex;
  value?: bigint;
  gas: bigint;
  gasPrice: bigint;
  /**
   * Runs inside the database transaction that records the signed transaction, before anything is broadcast (what it
   * writes through the stores commits with the record, or neither does).
   */
  record?: (txId: number, hash: Hex) => Promise<void>;
};

/**
 * Sends the verifier's transactions so that a crash never causes a double submission: each transaction is signed
 * locally with an explicit nonce and recorded (hash, raw bytes, nonce) in the database, together with whatever the caller
 * marks as submitted, before it is broadcast. `reconcile()` (run at start and on every tick) looks each unsettled
 * transaction up: mined or reverted → handed to the kind's handler; unknown to the node → broadcast again (the same
 * bytes, so at most one can ever be mined); its nonce used by something else → dropped, and the handler requeues.
 * One account, one sender: nonces are assigned under a lock.
 */
export function createTxSender(options: {
  client: VerifierPublicClient;
  account: LocalAccount;
  chainId: number;
  store: VerifierStore;
  logger?: Logger;
}) {
  const { client, account, store, logger } = options;
  const txStore = createTxStore(store);
  const handlers = new Map<string, (outcome: TxOutcome) => void | Promise<void>>();
  let lock: Promise<unknown> = Promise.resolve();
  const locked = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = lock.then(fn, fn);
    lock = run.catch(() => {});
    return run;
  };

  const nextNonce = async (): Promise<number> => {
    const pending = await client.getTransactionCount({ address: account.address, blockTag: "pending" });
    const max = await txStore.getMaxNonce();
    return Math.max(pending, max === null ? 0 : max + 1);
  };

  const broadcast = async (tx: Pick<TxRow, "id" | "hash" | "raw">): Promise<"sent" | "unknown" | string> => {
    try {
      await client.sendRawTransaction({ serializedTransaction: tx.raw as ViemHex });
      return "sent";
    } catch (err) {
      const text = `${(err as Error).message ?? err}`;
      // The node holds these bytes already, or the nonce is spent (reconcile finds out by what).
      if (isAlreadyKnownTxError(err) || /nonce too low|nonce has already been used/i.test(text)) return "sent";
      // A network failure leaves the fate of the bytes unknown (reconcile will look again); any answer from the node
      // that is not "already known" means it will never mine them.
      const walk = (err as { walk?: (f: (e: unknown) => boolean) => unknown }).walk;
      const network = walk?.call(err, (e) =>
        ["HttpRequestError", "TimeoutError", "WebSocketRequestError"].includes((e as { name?: string }).name ?? ""),
      );
      if (network || !walk) return "unknown";
      return text;
    }
  };

  return {
    account: account.address.toLowerCase() as Address,
    /** Registers what to do when a transaction of `kind` is mined, reverted or dropped. */
    onOutcome(kind: string, handler: (outcome: TxOutcome) => void | Promise<void>): void {
      handlers.set(kind, handler);
    },
    /** Signs, records and broadcasts. Returns the recorded transaction; its fate arrives through the handler. */
    send(req: TxRequest): Promise<TxRow> {
      return locked(async () => {
        const nonce = await nextNonce();
        const raw = (await account.signTransaction({
          chainId: options.chainId,
          type: "legacy",
          nonce,
          to: req.to,
          data: req.data,
          value: req.value ?? 0n,
          gas: req.gas,
          gasPrice: req.gasPrice,
        })) as Hex;
        const hash = keccak256(raw) as Hex;
        const now = Date.now();
        const id = await txStore.transaction(async () => {
          const txId = await txStore.insertSigned({
            kind: req.kind,
            ref: req.ref,
            nonce,
            hash,
            raw,
            gasPrice: req.gasPrice,
            gasLimit: req.gas,
            now,
          });
          await req.record?.(txId, hash);
          return txId;
        });
        const sent = await broadcast({ id, hash, raw });
        if (sent !== "sent" && sent !== "unknown") {
          logger?.error({ kind: req.kind, ref: req.ref, hash, error: sent }, "the node refused a transaction");
          await txStore.markDropped(id, sent.slice(0, 500), Date.now());
          const tx = (await txStore.getTx(id))!;
          await handlers.get(req.kind)?.({ status: "dropped", tx, reason: sent });
          return tx;
        }
        logger?.info({ kind: req.kind, ref: req.ref, hash, nonce }, "transaction broadcast");
        return (await txStore.getTx(id))!;
      });
    },
    /** Settles every recorded transaction that is not settled yet (see above). */
    reconcile(): Promise<void> {
      return locked(async () => {
        const open = await txStore.listSigned();
        if (open.length === 0) return;
        const latestNonce = await client.getTransactionCount({ address: account.address, blockTag: "latest" });
        for (const tx of open) {
          let receipt: TransactionReceipt | undefined;
          try {
            receipt = await client.getTransactionReceipt({ hash: tx.hash });
          } catch (err) {
            if (!(err instanceof TransactionReceiptNotFoundError)) throw err;
          }
          // The handler runs before the transaction is marked settled: after a crash in between it simply runs
          // again (handlers are idempotent), so no outcome is ever lost.
          if (receipt) {
            const status = receipt.status === "success" ? "mined" : "reverted";
            const row: TxRow = {
              ...tx,
              status,
              mined_block: Number(receipt.blockNumber),
              gas_used: receipt.gasUsed.toString(),
            };
            logger?.info({ kind: tx.kind, ref: tx.ref, hash: tx.hash, status }, "transaction settled");
            await handlers.get(tx.kind)?.({ status, tx: row, receipt });
            await txStore.markSettled(tx.id, {
              status,
              minedBlock: Number(receipt.blockNumber),
              gasUsed: receipt.gasUsed,
              now: Date.now(),
            });
          } else if (latestNonce > tx.nonce) {
            const reason = "nonce used by another transaction";
            logger?.warn(
              { kind: tx.kind, ref: tx.ref, hash: tx.hash },
              "transaction dropped: its nonce was used by another",
            );
            await handlers.get(tx.kind)?.({
              status: "dropped",
              tx: { ...tx, status: "dropped", error: reason },
              reason,
            });
            await txStore.markDropped(tx.id, reason, Date.now());
          } else {
            const sent = await broadcast(tx);
            if (sent !== "sent" && sent !== "unknown")
              logger?.warn({ hash: tx.hash, error: sent }, "rebroadcast refused; will retry");
          }
        }
      });
    },
    /** Transactions recorded but not settled yet. */
    pendingCount(): Promise<number> {
      return txStore.countSigned();
    },
  };
}

export type TxSender = ReturnType<typeof createTxSender>;
