import { createAggregatorClient } from "../../client/createAggregatorClient.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import type { SignedViewerTicketJson } from "../../protocol/wire/jsonTypes.ts";
import { getBackoffDelay } from "../../relay-sdk/relay/getBackoffDelay.ts";
import { postReceiptBatch } from "../../relay-sdk/relay/postReceiptBatch.ts";
import type { OutboxStore, PendingReceipt, ReceiptOutcome, StoredBatch } from "./OutboxStore.ts";

export type OutboxStats = {
  pending: number;
  openBatches: number;
  accepted: { receipts: number; bytes: number };
  rejected: { receipts: number; bytes: number; byCode: Record<string, number> };
  failed: { receipts: number; bytes: number };
  /** Accepted bytes per payout account. */
  acceptedBytesByRelay: Record<string, number>;
  lastError: string | null;
};

export type ReceiptOutbox = {
  /** Stores signed receipts durably; resolves once they are in the store (then they cannot be lost). */
  add(items: PendingReceipt[]): Promise<void>;
  /** Sends every open batch, then batches and sends every pending receipt. One flush runs at a time. */
  flush(): Promise<OutboxStats>;
  /** Flushes every `intervalMs` in the background. */
  start(intervalMs?: number): void;
  stop(): void;
  stats(): OutboxStats;
  outcomes(): ReceiptOutcome[];
};

export type CreateReceiptOutboxOptions = {
  /** The aggregator (or the broadcaster's same-origin proxy of it): receipts go to POST {url}/v1/receipts. */
  aggregatorUrl: string;
  /** The viewer's ticket, sent with every batch (the aggregator takes it once). */
  ticket: SignedViewerTicketJson;
  store: OutboxStore;
  /** Unique per viewing session: the prefix of every idempotency key (e.g. the viewer address). */
  keyPrefix: string;
  maxBatchReceipts?: number;
  retry?: { baseDelayMs?: number; maxDelayMs?: number; maxAttempts?: number; requestTimeoutMs?: number };
  fetch?: typeof globalThis.fetch;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
};

/**
 * The viewer's side of receipt delivery, with the relay SDK's guarantees: a receipt is stored before `add`
 * resolves; a batch is stored with its idempotency key and exact body before its first attempt and resent byte
 * for byte until the aggregator answers (across reloads: a new outbox over the same store resends it first);
 * retries follow docs/api.md (network errors, timeouts, 429, 5xx with backoff and Retry-After); the aggregator
 * deduplicates by receiptId, so a resend never credits twice. The submitter is irrelevant to the aggregator
 * (receipts carry the viewer's signature), so the viewer posts them itself, one batch per payout account.
 */
export async function createReceiptOutbox(options: CreateReceiptOutboxOptions): Promise<ReceiptOutbox> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const retry = {
    baseDelayMs: options.retry?.baseDelayMs ?? 500,
    maxDelayMs: options.retry?.maxDelayMs ?? 30_000,
    maxAttempts: options.retry?.maxAttempts ?? 6,
    requestTimeoutMs: options.retry?.requestTimeoutMs ?? 30_000,
  };
  const maxBatchReceipts = options.maxBatchReceipts ?? 1_000;
  const client = createAggregatorClient({
    url: options.aggregatorUrl,
    fetch: doFetch,
    timeoutMs: retry.requestTimeoutMs,
    now,
  });
  const { store } = options;

  const loaded = await store.load();
  const pending = new Map(loaded.pending.map((p) => [p.receiptId, p]));
  const batches = new Map(loaded.batches.map((b) => [b.idempotencyKey, b]));
  const outcomes = new Map<Hex, ReceiptOutcome>(loaded.outcomes.map((o) => [o.receiptId, o]));
  let counter = loaded.batches.length + loaded.outcomes.length;
  let lastError: string | null = null;
  let running: Promise<OutboxStats> | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  const controller = new AbortController();

  function stats(): OutboxStats {
    const s: OutboxStats = {
      pending: pending.size,
      openBatches: batches.size,
      accepted: { receipts: 0, bytes: 0 },
      rejected: { receipts: 0, bytes: 0, byCode: {} },
      failed: { receipts: 0, bytes: 0 },
      acceptedBytesByRelay: {},
      lastError,
    };
    for (const o of outcomes.values()) {
      if (o.status === "accepted" || o.status === "already_accepted") {
        s.accepted.receipts++;
        s.accepted.bytes += o.size;
        s.acceptedBytesByRelay[o.relay] = (s.acceptedBytesByRelay[o.relay] ?? 0) + o.size;
      } else if (o.status === "rejected") {
        s.rejected.receipts++;
        s.rejected.bytes += o.size;
        for (const c of o.codes) s.rejected.byCode[c] = (s.rejected.byCode[c] ?? 0) + 1;
      } else {
        s.failed.receipts++;
        s.failed.bytes += o.size;
      }
    }
    return s;
  }

  /** Sends one stored batch until the aggregator answers it; false when the attempts ran out (it stays open). */
  async function send(batch: StoredBatch): Promise<boolean> {
    for (let attempt = 1; attempt <= retry.maxAttempts; attempt++) {
      const outcome = await postReceiptBatch({
        client,
        idempotencyKey: batch.idempotencyKey,
        body: batch.body,
        receiptCount: batch.receiptIds.length,
        timeoutMs: retry.requestTimeoutMs,
        signal: controller.signal,
      });
      if (outcome.kind === "aborted") return false;
      if (outcome.kind === "retry") {
        lastError = `${outcome.code}: ${outcome.message}`;
        if (attempt < retry.maxAttempts) await sleep(outcome.retryAfterMs ?? getBackoffDelay(attempt, retry, random));
        continue;
      }
      const results: ReceiptOutcome[] = batch.receiptIds.map((receiptId, i) => {
        if (outcome.kind === "final")
          return {
            receiptId,
            relay: batch.relay,
            size: batch.sizes[i]!,
            status: "failed",
            epoch: null,
            codes: [outcome.code],
          };
        const r = outcome.results[i]!;
        return {
          receiptId,
          relay: batch.relay,
          size: batch.sizes[i]!,
          status: r.status,
          epoch: r.epoch,
          codes: r.errors.map((e) => e.code),
        };
      });
      lastError = outcome.kind === "final" ? `${outcome.code}: ${outcome.message}` : null;
      await store.closeBatch(batch.idempotencyKey, results);
      batches.delete(batch.idempotencyKey);
      for (const o of results) outcomes.set(o.receiptId, o);
      return true;
    }
    return false;
  }

  async function flushOnce(): Promise<OutboxStats> {
    for (const batch of [...batches.values()]) if (!(await send(batch))) return stats();
    const byRelay = new Map<Address, PendingReceipt[]>();
    for (const p of pending.values()) byRelay.set(p.relay, [...(byRelay.get(p.relay) ?? []), p]);
    for (const [relay, items] of byRelay) {
      for (let i = 0; i < items.length; i += maxBatchReceipts) {
        const slice = items.slice(i, i + maxBatchReceipts);
        const batch: StoredBatch = {
          idempotencyKey: `${options.keyPrefix}-${now().toString(36)}-${(counter++).toString(36)}`,
          relay,
          body: JSON.stringify({ relay, tickets: [options.ticket], receipts: slice.map((p) => p.receipt) }),
          receiptIds: slice.map((p) => p.receiptId),
          sizes: slice.map((p) => p.size),
          createdAt: now(),
        };
        await store.openBatch(batch);
        batches.set(batch.idempotencyKey, batch);
        for (const p of slice) pending.delete(p.receiptId);
        if (!(await send(batch))) return stats();
      }
    }
    return stats();
  }

  function flush(): Promise<OutboxStats> {
    running ??= flushOnce().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    async add(items) {
      const inBatch = new Set([...batches.values()].flatMap((b) => b.receiptIds));
      const fresh = items.filter(
        (p) => !pending.has(p.receiptId) && !outcomes.has(p.receiptId) && !inBatch.has(p.receiptId),
      );
      if (fresh.length === 0) return;
      await store.addPending(fresh);
      for (const p of fresh) pending.set(p.receiptId, p);
    },
    flush,
    start(intervalMs = 2_000) {
      if (timer) return;
      timer = setInterval(() => {
        flush().catch((e: unknown) => {
          lastError = String(e);
        });
      }, intervalMs);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
    stats,
    outcomes: () => [...outcomes.values()],
  };
}
