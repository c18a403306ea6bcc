import type { Hex } from "../protocol/types.ts";
import { badResponse } from "./badResponse.ts";
import { isObject } from "./isObject.ts";
import { requestService } from "./requestService.ts";
import type { AggregatorClient } from "./ServiceClient.ts";
import type { AggregatorPool } from "./types.ts";

/** GET /v1/pools/:poolId (404 POOL_NOT_FOUND throws). */
export async function getPool(client: AggregatorClient, args: { poolId: Hex }): Promise<AggregatorPool> {
  const res = await requestService(client, { path: `v1/pools/${args.poolId.toLowerCase()}` });
  if (!isObject(res.body) || typeof res.body.poolId !== "string") throw badResponse(client, res, "not a pool");
  return res.body as AggregatorPool;
}
