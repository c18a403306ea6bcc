import { MeshpayApiError } from "../../client/MeshpayApiError.ts";
import { postReceipts } from "../../client/postReceipts.ts";
import type { AggregatorClient } from "../../client/ServiceClient.ts";
import type { ItemResult } from "./openRelayStore.ts";
import { parseReceiptsResponse } from "./parseReceiptsResponse.ts";

/** What one HTTP attempt came to. */
export type BatchAttemptOutcome =
  | { kind: "processed"; httpStatus: number; raw: string; results: ItemResult[]; replayed: boolean }
  | { kind: "retry"; httpStatus?: number; code: string; message: string; retryAfterMs?: number }
  | { kind: "final"; httpStatus: number; code: string; message: string; raw: string }
  | { kind: "aborted" };

export type PostReceiptBatchArgs = {
  /** The typed aggregator client (its fetch, clock and default timeout). */
  client: AggregatorClient;
  idempotencyKey: string;
  body: string;
  receiptCount: number;
  timeoutMs: number;
  /** Aborts the attempt (stop/close): the outcome is `aborted`, whatever the server did. */
  signal: AbortSignal;
};

/**
 * One attempt of POST /v1/receipts (docs/api.md) through the typed client (src/client/postReceipts.ts) and its
 * classification: 2xx with a well-formed answer is `processed`; what the client marks `retryable` (network errors,
 * timeouts, a malformed 2xx answer, 429, 5xx, 409 IDEMPOTENCY_KEY_IN_PROGRESS) is `retry` (with the Retry-After
 * delay when the answer has one); any other status is `final` (code from the error body, else HTTP_<status>).
 */
export async function postReceiptBatch(args: PostReceiptBatchArgs): Promise<BatchAttemptOutcome> {
  if (args.signal.aborted) return { kind: "aborted" };
  let answer: Awaited<ReturnType<typeof postReceipts>>;
  try {
    answer = await postReceipts(args.client, {
      body: args.body,
      idempotencyKey: args.idempotencyKey,
      signal: args.signal,
      timeoutMs: args.timeoutMs,
    });
  } catch (err) {
    if (args.signal.aborted || (err instanceof MeshpayApiError && err.code === "ABORTED")) return { kind: "aborted" };
    if (!(err instanceof MeshpayApiError)) throw err;
    const message = serviceMessage(err);
    if (err.retryable)
      return {
        kind: "retry",
        ...(err.status !== null ? { httpStatus: err.status } : {}),
        code: err.code,
        message,
        ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
      };
    return { kind: "final", httpStatus: err.status ?? 0, code: err.code, message, raw: err.responseText ?? "" };
  }
  const results = parseReceiptsResponse(answer.text, args.receiptCount, args.idempotencyKey);
  if (typeof results === "string")
    return {
      kind: "retry",
      httpStatus: answer.status,
      code: "BAD_RESPONSE",
      message: `The aggregator's answer is unusable: ${results}.`,
    };
  return { kind: "processed", httpStatus: answer.status, raw: answer.text, results, replayed: answer.replayed };
}

/** The service's own message when it sent a `{ code, message }` body, else what the client found wrong. */
function serviceMessage(err: MeshpayApiError): string {
  const body = err.body as { message?: unknown } | undefined;
  return typeof body?.message === "string" ? body.message : err.shortMessage;
}
