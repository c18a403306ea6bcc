import type { Hex } from "../protocol/types.ts";
import { iteratePages } from "./iteratePages.ts";
import { listEpochLeaves } from "./listEpochLeaves.ts";
import type { AggregatorClient } from "./ServiceClient.ts";
import type { EpochLeafEntry } from "./types.ts";

/** Every leaf of an epoch's bundle in bundle order, fetched `limit` at a time (all from one attempt). */
export function iterateEpochLeaves(
  client: AggregatorClient,
  args: { epoch: bigint | number; bundleHash?: Hex; limit?: number },
): AsyncGenerator<EpochLeafEntry> {
  return iteratePages(
    (cursor) =>
      listEpochLeaves(client, {
        epoch: args.epoch,
        ...(args.bundleHash && cursor === null ? { bundleHash: args.bundleHash } : {}),
        ...(args.limit ? { limit: args.limit } : {}),
        cursor,
      }),
    (p) => p.leaves,
  );
}
