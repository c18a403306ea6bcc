import { MeshpayApiError } from "./MeshpayApiError.ts";
import type { ServiceClient } from "./ServiceClient.ts";
import { toApiError } from "./toApiError.ts";

export type ServiceRequest = {
  method?: "GET" | "POST";
  /** Relative to the client's URL, e.g. `v1/epochs/3`. */
  path: string;
  query?: Record<string, string | number | bigint | undefined | null>;
  /** A JSON value (serialized here) or an already serialized JSON string. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Statuses other than 2xx that are answers, not errors (e.g. 404 for "no such leaf"). */
  accept?: readonly number[];
  timeoutMs?: number;
  /** Aborts the request: MeshpayApiError ABORTED (not retryable). */
  signal?: AbortSignal;
  /** Read the body as bytes instead of text (bundles, evidence documents). */
  binary?: boolean;
  /** Return the response with its body unread (streams); the timeout then covers the headers only. */
  stream?: boolean;
};

export type ServiceResponse = {
  status: number;
  headers: Headers;
  url: string;
  /** The raw text (`binary`/`stream`: empty). */
  text: string;
  /** The parsed JSON body, undefined when there is none or it is not JSON. */
  body: unknown;
  bytes?: Uint8Array;
  response?: Response;
};

/**
 * One HTTP request to a meshpay service. Resolves for 2xx (and `accept`ed statuses); throws MeshpayApiError for
 * everything else: the service's `{ code, message }` body when it sent one, HTTP_<status> otherwise, NETWORK_ERROR
 * when nothing answered, TIMEOUT after `timeoutMs`, ABORTED when the caller's signal fired. No retries here: the
 * caller decides with `error.retryable` and `error.retryAfterMs`.
 */
export async function requestService(client: ServiceClient, req: ServiceRequest): Promise<ServiceResponse> {
  const method = req.method ?? "GET";
  const url = new URL(req.path.replace(/^\//, ""), client.url);
  for (const [k, v] of Object.entries(req.query ?? {}))
    if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
  const href = url.toString();
  const fail = (args: Omit<ConstructorParameters<typeof MeshpayApiError>[0], "service" | "method" | "url">) =>
    new MeshpayApiError({ ...args, service: client.service, method, url: href });

  const timeoutMs = req.timeoutMs ?? client.timeoutMs;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = () => controller.abort();
  if (req.signal?.aborted) controller.abort();
  req.signal?.addEventListener("abort", onAbort, { once: true });
  const headers: Record<string, string> = { accept: "application/json", ...req.headers };
  if (req.body !== undefined) headers["content-type"] ??= "application/json";
  let res: Response;
  let text = "";
  let bytes: Uint8Array | undefined;
  try {
    res = await client.fetch(href, {
      method,
      headers,
      ...(req.body === undefined ? {} : { body: typeof req.body === "string" ? req.body : JSON.stringify(req.body) }),
      signal: controller.signal,
    });
    if (req.stream && (res.ok || req.accept?.includes(res.status)))
      return {
        status: res.status,
        headers: res.headers,
        url: res.url || href,
        text: "",
        body: undefined,
        response: res,
      };
    if (req.binary && res.ok) bytes = new Uint8Array(await res.arrayBuffer());
    else text = await res.text();
  } catch (cause) {
    if (req.signal?.aborted)
      throw fail({ code: "ABORTED", shortMessage: `The request to the ${client.service} was aborted.`, cause });
    if (timedOut)
      throw fail({
        code: "TIMEOUT",
        shortMessage: `The ${client.service} at ${url.origin} gave no complete answer within ${timeoutMs} ms.`,
        cause,
      });
    throw fail({
      code: "NETWORK_ERROR",
      shortMessage: `The ${client.service} at ${url.origin} does not answer (${describeNetworkError(cause)}).`,
      cause,
    });
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener("abort", onAbort);
  }
  let body: unknown;
  if (text)
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  if (res.ok || req.accept?.includes(res.status))
    return { status: res.status, headers: res.headers, url: res.url || href, text, body, ...(bytes ? { bytes } : {}) };
  throw toApiError(client, { status: res.status, headers: res.headers, url: href, text, body }, method);
}

/** The most telling part of a fetch failure: undici puts ECONNREFUSED and friends in `cause`. */
function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { code?: unknown; message?: unknown } | undefined;
  if (cause && typeof cause === "object") {
    if (typeof cause.code === "string") return cause.code;
    if (typeof cause.message === "string" && cause.message) return cause.message;
  }
  return err.message;
}
