import type { Address } from "../protocol/types.ts";
import type { SignedChunkReceiptJson, SignedViewerTicketJson } from "../protocol/wire/jsonTypes.ts";

/** One receipt to post, with the ticket it refers to; `tag` is the caller's (returned with the answer). */
export type PostItem<T> = {
  receipt: SignedChunkReceiptJson;
  ticket: SignedViewerTicketJson;
  ticketHash: string;
  tag: T;
};

/** The aggregator's answer for one receipt, or `unanswered` when its batch failed for good. */
export type PostResult =
  | { status: "accepted" | "already_accepted"; epoch: number | null }
  | { status: "rejected"; codes: string[] }
  | { status: "unanswered"; code: string };

export type BatchPoster<T> = {
  readonly relay: Address;
  /** Receipts queued and not yet answered. */
  readonly queued: number;
  queue(item: PostItem<T>): void;
  /**
   * Sends everything queued in batches, one request at a time; resolves when each batch has an answer or failed for
   * good.
   */
  flush(): Promise<void>;
};

/**
 * A minimal POST /v1/receipts client without local storage: batches of at most 1,000 receipts, each with the
 * tickets it refers to, one Idempotency-Key per batch, and a few retries (same key, same body) on network
 * errors, 409 IDEMPOTENCY_KEY_IN_PROGRESS, 429 and 5xx. Used for a cheating relay's forged claims (which the relay
 * SDK would refuse to store) and for the simulator's `transport: "direct"`, where relays skip the SDK's SQLite
 * store for benchmark-scale runs.
 */
export function createBatchPoster<T>(options: {
  aggregatorUrl: string;
  relay: Address;
  /** Distinguishes this poster's idempotency keys from any other's. */
  keyPrefix: string;
  onResult: (item: PostItem<T>, result: PostResult) => void;
  fetch?: typeof globalThis.fetch;
  maxBatchReceipts?: number;
  maxAttempts?: number;
}): BatchPoster<T> {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const url = new URL(
    "v1/receipts",
    options.aggregatorUrl.endsWith("/") ? options.aggregatorUrl : `${options.aggregatorUrl}/`,
  ).toString();
  // At most 1,000 receipts, hence at most 1,000 tickets (the API's limit) per batch.
  const maxBatch = Math.min(1000, options.maxBatchReceipts ?? 1000);
  const maxAttempts = options.maxAttempts ?? 6;
  let queue: PostItem<T>[] = [];
  let sending = 0;
  let batchNo = 0;
  let chain: Promise<void> = Promise.resolve();

  const sendBatch = async (items: PostItem<T>[]): Promise<void> => {
    const tickets = new Map<string, SignedViewerTicketJson>();
    for (const item of items) tickets.set(item.ticketHash, item.ticket);
    const body = JSON.stringify({
      relay: options.relay,
      tickets: [...tickets.values()],
      receipts: items.map((i) => i.receipt),
    });
    const key = `${options.keyPrefix}-${String(++batchNo).padStart(6, "0")}`;
    let lastCode = "NETWORK_ERROR";
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      let status = 0;
      let text = "";
      let retryAfter: string | null = null;
      try {
        const res = await fetchFn(url, {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": key },
          body,
        });
        status = res.status;
        retryAfter = res.headers.get("retry-after");
        text = await res.text();
      } catch {
        status = 0;
      }
      if (status >= 200 && status < 300) {
        const answer = parseAnswer(text, items.length);
        if (answer) {
          answer.forEach((r, i) =>
            options.onResult(
              items[i]!,
              r.status === "rejected"
                ? { status: "rejected", codes: r.codes }
                : { status: r.status as "accepted" | "already_accepted", epoch: r.epoch },
            ),
          );
          return;
        }
        lastCode = "BAD_RESPONSE";
      } else if (status !== 0) lastCode = errorCode(text, status);
      const transient =
        status === 0 ||
        (status >= 200 && status < 300) ||
        status === 429 ||
        status >= 500 ||
        lastCode === "IDEMPOTENCY_KEY_IN_PROGRESS";
      if (!transient || attempt === maxAttempts) break;
      const seconds = retryAfter !== null ? Number(retryAfter) : NaN;
      await new Promise((r) =>
        setTimeout(r, Number.isFinite(seconds) ? seconds * 1000 : Math.min(5000, 100 * 2 ** attempt)),
      );
    }
    for (const item of items) options.onResult(item, { status: "unanswered", code: lastCode });
  };

  return {
    relay: options.relay,
    get queued() {
      return queue.length + sending;
    },
    queue(item) {
      queue.push(item);
    },
    flush() {
      const run = chain.then(async () => {
        while (queue.length > 0) {
          const items = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
          queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
          sending = items.length;
          try {
            await sendBatch(items);
          } finally {
            sending = 0;
          }
        }
      });
      chain = run.catch(() => undefined);
      return run;
    },
  };
}

function parseAnswer(text: string, count: number): { status: string; epoch: number | null; codes: string[] }[] | null {
  try {
    const body = JSON.parse(text) as { results?: unknown };
    if (!Array.isArray(body.results) || body.results.length !== count) return null;
    return body.results.map((r: { status?: unknown; epoch?: unknown; errors?: unknown }) => ({
      status: String(r.status),
      epoch: typeof r.epoch === "number" ? r.epoch : null,
      codes: Array.isArray(r.errors) ? r.errors.map((e: { code?: unknown }) => String(e.code)) : [],
    }));
  } catch {
    return null;
  }
}

function errorCode(text: string, status: number): string {
  try {
    const body = JSON.parse(text) as { code?: unknown };
    if (typeof body.code === "string") return body.code;
  } catch {
    // not JSON
  }
  return `HTTP_${status}`;
}
