import { createServiceClient } from "./createServiceClient.ts";
import type { ServiceClientOptions, VerifierClient } from "./ServiceClient.ts";

/** A client for a verifier's public API (docs/api.md, verifier section). */
export function createVerifierClient(options: ServiceClientOptions): VerifierClient {
  return createServiceClient("verifier", options);
}
