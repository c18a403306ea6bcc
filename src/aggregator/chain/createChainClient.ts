import { createPublicClient, http, type PublicClient } from "viem";

/**
 * The viem public client the follower and the poster share. viem's own retries are off: every chain step is
 * retried by the next tick of the chain loop, which also keeps the RPC-outage behaviour easy to reason about.
 */
export function createChainClient(options: { rpcUrl: string; timeoutMs: number }): PublicClient {
  return createPublicClient({
    transport: http(options.rpcUrl, { timeout: options.timeoutMs, retryCount: 0 }),
    batch: { multicall: false },
    pollingInterval: 1000,
  }) as PublicClient;
}
