import { badResponse } from "./badResponse.ts";
import { isObject } from "./isObject.ts";
import { requestService } from "./requestService.ts";
import type { AggregatorClient } from "./ServiceClient.ts";
import type { PostReceiptsResult, ReceiptResult } from "./types.ts";

/**
 * POST /v1/receipts with an Idempotency-Key: `body` is the request as protocol JSON (`{ tickets, receipts }`, an
 * object or its serialized text, sent as is). Resolves with the per-receipt results of a 200 answer; throws
 * MeshpayApiError otherwise (`retryable` for 429, 5xx, 409 IDEMPOTENCY_KEY_IN_PROGRESS, no answer, timeouts, and a
 * 2xx answer without a results list). Retries are the caller's (the relay SDK backs off and resends the same key).
 */
export async function postReceipts(
  client: AggregatorClient,
  args: { body: unknown; idempotencyKey: string; signal?: AbortSignal; timeoutMs?: number },
): Promise<PostReceiptsResult> {
  const res = await requestService(client, {
    method: "POST",
    path: "v1/receipts",
    body: args.body,
    headers: { "idempotency-key": args.idempotencyKey },
    ...(args.signal ? { signal: args.signal } : {}),
    ...(args.timeoutMs !== undefined ? { timeoutMs: args.timeoutMs } : {}),
  });
  const b = res.body;
  if (!isObject(b) || !Array.isArray(b.results))
    throw badResponse(client, res, res.body === undefined ? "the body is not JSON" : "no results array", "POST");
  return {
    status: res.status,
    text: res.text,
    idempotencyKey: typeof b.idempotencyKey === "string" ? b.idempotencyKey : null,
    results: b.results as ReceiptResult[],
    replayed: res.headers.get("idempotent-replayed") === "true",
  };
}
