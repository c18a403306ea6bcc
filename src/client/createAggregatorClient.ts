import { createServiceClient } from "./createServiceClient.ts";
import type { AggregatorClient, ServiceClientOptions } from "./ServiceClient.ts";

/** A client for an aggregator's public API (docs/api.md), e.g. `createAggregatorClient({ url: "http://127.0.0.1:8080" })`. */
export function createAggregatorClient(options: ServiceClientOptions): AggregatorClient {
  return createServiceClient("aggregator", options);
}
