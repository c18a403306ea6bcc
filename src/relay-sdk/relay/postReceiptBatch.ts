import type { ItemResult } from "./openRelayStore.ts";
import { parseReceiptsResponse } from "./parseReceiptsResponse.ts";
import { parseRetryAfter } from "./parseRetryAfter.ts";

/** What one HTTP attempt came to. */
export type BatchAttemptOutcome =
  | { kind: "processed"; httpStatus: number; raw: string; results: ItemResult[]; replayed: boolean }
  | { kind: "retry"; httpStatus?: number; code: string; message: string; retryAfterMs?: number }
  | { kind: "final"; httpStatus: number; code: string; message: string; raw: string }
  | { kind: "aborted" };

export type PostReceiptBatchArgs = {
  url: string;
  idempotencyKey: string;
  body: string;
  receiptCount: number;
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  /** Aborts the attempt (stop/close): the outcome is `aborted`, whatever the server did. */
  signal: AbortSignal;
  now: () => number;
};

/**
 * One attempt of POST /v1/receipts (docs/api.md) and its classification: 2xx with a well-formed answer is
 * `processed`; network errors, timeouts, a malformed 2xx answer, 429, 5xx and 409 IDEMPOTENCY_KEY_IN_PROGRESS
 * are `retry` (with the Retry-After delay when the answer has one); any other status is `final` (code from the
 * error body, else HTTP_<status>).
 */
export async function postReceiptBatch(args: PostReceiptBatchArgs): Promise<BatchAttemptOutcome> {
  if (args.signal.aborted) return { kind: "aborted" };
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, args.timeoutMs);
  const onAbort = () => controller.abort();
  args.signal.addEventListener("abort", onAbort, { once: true });
  let status: number;
  let raw: string;
  let headers: Headers;
  try {
    const res = await args.fetch(args.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        "idempotency-key": args.idempotencyKey,
      },
      body: args.body,
      signal: controller.signal,
    });
    status = res.status;
    headers = res.headers;
    raw = await res.text();
  } catch (err) {
    if (args.signal.aborted) return { kind: "aborted" };
    if (timedOut) return { kind: "retry", code: "TIMEOUT", message: `No complete answer within ${args.timeoutMs} ms.` };
    return { kind: "retry", code: "NETWORK_ERROR", message: describeNetworkError(err) };
  } finally {
    clearTimeout(timer);
    args.signal.removeEventListener("abort", onAbort);
  }

  if (status >= 200 && status < 300) {
    const results = parseReceiptsResponse(raw, args.receiptCount, args.idempotencyKey);
    if (typeof results === "string")
      return {
        kind: "retry",
        httpStatus: status,
        code: "BAD_RESPONSE",
        message: `The aggregator's answer is unusable: ${results}.`,
      };
    return {
      kind: "processed",
      httpStatus: status,
      raw,
      results,
      replayed: headers.get("idempotent-replayed") === "true",
    };
  }
  const error = readErrorBody(raw, status);
  if (status === 429 || status >= 500 || (status === 409 && error.code === "IDEMPOTENCY_KEY_IN_PROGRESS")) {
    const retryAfterMs = parseRetryAfter(headers.get("retry-after"), args.now());
    return { kind: "retry", httpStatus: status, ...error, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  return { kind: "final", httpStatus: status, ...error, raw };
}

function readErrorBody(raw: string, status: number): { code: string; message: string } {
  try {
    const body: unknown = JSON.parse(raw);
    if (typeof body === "object" && body !== null && typeof (body as { code?: unknown }).code === "string") {
      const { code, message } = body as { code: string; message?: unknown };
      return { code, message: typeof message === "string" ? message : "" };
    }
  } catch {
    // not JSON: fall through
  }
  return { code: `HTTP_${status}`, message: raw.slice(0, 200) };
}

function describeNetworkError(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause as { code?: unknown; message?: unknown } | undefined;
    const detail =
      cause && typeof cause === "object"
        ? typeof cause.code === "string"
          ? cause.code
          : String(cause.message ?? "")
        : "";
    return detail ? `${err.message} (${detail})` : err.message;
  }
  return String(err);
}
