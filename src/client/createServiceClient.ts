import type { ServiceName } from "./MeshpayApiError.ts";
import type { ServiceClient, ServiceClientOptions } from "./ServiceClient.ts";

/** Default per-request timeout in ms: a service that has not answered in 30 s is treated as unreachable. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** The shared part of createAggregatorClient / createVerifierClient. Throws TypeError for a URL that is not one. */
export function createServiceClient<S extends ServiceName>(service: S, o: ServiceClientOptions): ServiceClient<S> {
  const base = o.baseUrl ?? (globalThis as { location?: { href?: string } }).location?.href;
  const url = new URL(o.url.endsWith("/") ? o.url : `${o.url}/`, base).toString();
  const f = o.fetch ?? ((input, init) => globalThis.fetch(input, init));
  return { service, url, fetch: f, timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS, now: o.now ?? (() => Date.now()) };
}
