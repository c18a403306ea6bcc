import { iteratePages } from "./iteratePages.ts";
import { listEpochs } from "./listEpochs.ts";
import type { AggregatorClient } from "./ServiceClient.ts";
import type { AggregatorEpoch } from "./types.ts";

/** Every epoch the aggregator lists, newest first, fetched `limit` at a time. */
export function iterateEpochs(
  client: AggregatorClient,
  args: { limit?: number } = {},
): AsyncGenerator<AggregatorEpoch> {
  return iteratePages(
    (cursor) => listEpochs(client, { ...(args.limit ? { limit: args.limit } : {}), cursor }),
    (p) => p.epochs,
  );
}
