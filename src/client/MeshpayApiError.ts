/** Which meshpay service a client talks to. */
export type ServiceName = "aggregator" | "verifier";

/**
 * The one error every client function throws (viem's BaseError style: a short message, the details, and `cause`).
 * `code` is the service's stable error code from its `{ code, message }` body (docs/api.md) when it answered with
 * one; otherwise one of the client's own: NETWORK_ERROR (no answer), TIMEOUT (no complete answer within
 * `timeoutMs`), ABORTED (the caller's signal), BAD_RESPONSE (a 2xx answer that is not what the API documents),
 * HTTP_<status> (an error status without a meshpay error body). `retryable` is true for what may succeed later
 * unchanged: no answer, a timeout, 429, 5xx, and 409 IDEMPOTENCY_KEY_IN_PROGRESS.
 */
export class MeshpayApiError extends Error {
  override name = "MeshpayApiError";
  readonly code: string;
  /** The HTTP status, or null when there was no answer. */
  readonly status: number | null;
  readonly retryable: boolean;
  readonly service: ServiceName;
  /** The request's URL (method and URL in the message). */
  readonly url: string;
  /** The service's own message, or what the client found wrong, without the prefix. */
  readonly shortMessage: string;
  /** The parsed error body (`{ code, message, ... }`) when there was one. */
  readonly body: unknown;
  /** The raw response text (first 64 KiB), when there was an answer. */
  readonly responseText: string | null;
  /** Milliseconds to wait before retrying, from the answer's Retry-After header. */
  readonly retryAfterMs: number | undefined;

  constructor(args: {
    code: string;
    shortMessage: string;
    service: ServiceName;
    method: string;
    url: string;
    status?: number | null;
    retryable?: boolean;
    body?: unknown;
    responseText?: string | null;
    retryAfterMs?: number;
    cause?: unknown;
  }) {
    const status = args.status ?? null;
    super(
      `${args.shortMessage}\n\nRequest: ${args.method} ${args.url}\n` +
        (status === null ? "No answer." : `Answer: ${status} ${args.code}`),
      args.cause === undefined ? undefined : { cause: args.cause },
    );
    this.code = args.code;
    this.status = status;
    this.retryable = args.retryable ?? isRetryable(status, args.code);
    this.service = args.service;
    this.url = args.url;
    this.shortMessage = args.shortMessage;
    this.body = args.body;
    this.responseText = args.responseText ?? null;
    this.retryAfterMs = args.retryAfterMs;
  }
}

function isRetryable(status: number | null, code: string): boolean {
  if (status === null) return code !== "ABORTED";
  return status === 429 || status >= 500 || (status === 409 && code === "IDEMPOTENCY_KEY_IN_PROGRESS");
}
