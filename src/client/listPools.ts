import { badResponse } from "./badResponse.ts";
import { isObject } from "./isObject.ts";
import { requestService } from "./requestService.ts";
import type { AggregatorClient } from "./ServiceClient.ts";
import type { PageQuery, PoolList } from "./types.ts";

/** GET /v1/pools?limit=&cursor=: one page of the pools the aggregator follows. */
export async function listPools(client: AggregatorClient, args: PageQuery = {}): Promise<PoolList> {
  const res = await requestService(client, { path: "v1/pools", query: { limit: args.limit, cursor: args.cursor } });
  const b = res.body;
  if (!isObject(b) || !Array.isArray(b.pools)) throw badResponse(client, res, "no pools list");
  return { pools: b.pools as PoolList["pools"], nextCursor: typeof b.nextCursor === "string" ? b.nextCursor : null };
}
