import { MeshpayApiError } from "./MeshpayApiError.ts";
import { parseRetryAfter } from "./parseRetryAfter.ts";
import type { ServiceClient } from "./ServiceClient.ts";

/**
 * The MeshpayApiError for an error answer: the service's `{ code, message }` body (docs/api.md) when it sent one,
 * HTTP_<status> with the start of the text otherwise; Retry-After carried as `retryAfterMs`.
 */
export function toApiError(
  client: ServiceClient,
  res: { status: number; headers: Headers; url: string; text: string; body: unknown },
  method: string,
): MeshpayApiError {
  const err = res.body as { code?: unknown; message?: unknown } | undefined;
  const code = typeof err?.code === "string" ? err.code : `HTTP_${res.status}`;
  const message = typeof err?.message === "string" ? err.message : res.text.slice(0, 200) || `HTTP ${res.status}`;
  const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"), client.now());
  return new MeshpayApiError({
    code,
    status: res.status,
    shortMessage: `The ${client.service} answered ${res.status} ${code}: ${message}`,
    service: client.service,
    method,
    url: res.url,
    body: res.body,
    responseText: res.text.slice(0, 65_536),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}
