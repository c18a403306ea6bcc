import { iteratePages } from "./iteratePages.ts";
import { listPools } from "./listPools.ts";
import type { AggregatorClient } from "./ServiceClient.ts";
import type { AggregatorPool } from "./types.ts";

/** Every pool the aggregator follows, by poolId, fetched `limit` at a time. */
export function iteratePools(client: AggregatorClient, args: { limit?: number } = {}): AsyncGenerator<AggregatorPool> {
  return iteratePages(
    (cursor) => listPools(client, { ...(args.limit ? { limit: args.limit } : {}), cursor }),
    (p) => p.pools,
  );
}
