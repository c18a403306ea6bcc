import type { Hex } from "../protocol/types.ts";
import { badResponse } from "./badResponse.ts";
import { isObject } from "./isObject.ts";
import { requestService } from "./requestService.ts";
import type { AggregatorClient } from "./ServiceClient.ts";
import type { EpochLeafList, PageQuery } from "./types.ts";

/**
 * GET /v1/epochs/:epoch/leaves?limit=&cursor=[&hash=]: one page of an epoch's reward-tree leaves in bundle order
 * (`limit` up to 10,000). A cursor pins the bundle it was made from, so a walk stays on one attempt; `bundleHash`
 * names the attempt to start on. 404 BUNDLE_NOT_FOUND throws.
 */
export async function listEpochLeaves(
  client: AggregatorClient,
  args: PageQuery & { epoch: bigint | number; bundleHash?: Hex },
): Promise<EpochLeafList> {
  const res = await requestService(client, {
    path: `v1/epochs/${args.epoch}/leaves`,
    query: { limit: args.limit, cursor: args.cursor, hash: args.bundleHash },
  });
  const b = res.body;
  if (!isObject(b) || !Array.isArray(b.leaves) || typeof b.root !== "string")
    throw badResponse(client, res, "no leaves list or root");
  return {
    ...(b as Omit<EpochLeafList, "nextCursor">),
    nextCursor: typeof b.nextCursor === "string" ? b.nextCursor : null,
  };
}
