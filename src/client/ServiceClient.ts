import type { ServiceName } from "./MeshpayApiError.ts";

/**
 * A configured client for one meshpay service (createAggregatorClient, createVerifierClient): what every client
 * function takes as its first argument. Plain data and `fetch`, so it works in Node and in browsers alike.
 */
export type ServiceClient<S extends ServiceName = ServiceName> = {
  service: S;
  /** The service's base URL, ending in `/` (paths such as `v1/epochs` are resolved against it). */
  url: string;
  fetch: typeof globalThis.fetch;
  /** Per-request limit in ms for the whole answer (headers and body); a request may pass its own. */
  timeoutMs: number;
  /** Wall clock in unix ms (Retry-After dates). */
  now: () => number;
};

export type AggregatorClient = ServiceClient<"aggregator">;
export type VerifierClient = ServiceClient<"verifier">;

/** Options of createAggregatorClient and createVerifierClient. */
export type ServiceClientOptions = {
  /** Base URL; relative URLs are resolved against `baseUrl` (in a browser, the page's URL). */
  url: string;
  baseUrl?: string;
  /** Default: globalThis.fetch (called unbound, so a browser's window.fetch works). */
  fetch?: typeof globalThis.fetch;
  /** Default 30,000 ms. */
  timeoutMs?: number;
  now?: () => number;
};
