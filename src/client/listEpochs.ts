import { badResponse } from "./badResponse.ts";
import { isObject } from "./isObject.ts";
import { requestService } from "./requestService.ts";
import type { AggregatorClient } from "./ServiceClient.ts";
import type { EpochList, PageQuery } from "./types.ts";

/**
 * GET /v1/epochs?limit=&cursor=: one page of epochs, newest first (`limit` up to 500). `nextCursor` is null on
 * the last page; iterateEpochs walks them all.
 */
export async function listEpochs(client: AggregatorClient, args: PageQuery = {}): Promise<EpochList> {
  const res = await requestService(client, { path: "v1/epochs", query: { limit: args.limit, cursor: args.cursor } });
  const b = res.body;
  if (!isObject(b) || !Array.isArray(b.epochs)) throw badResponse(client, res, "no epochs list");
  return {
    ...(b as Omit<EpochList, "nextCursor">),
    nextCursor: typeof b.nextCursor === "string" ? b.nextCursor : null,
  };
}
