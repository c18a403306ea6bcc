import { badResponse } from "./badResponse.ts";
import { isObject } from "./isObject.ts";
import { requestService } from "./requestService.ts";
import type { AggregatorClient } from "./ServiceClient.ts";
import type { AggregatorEpoch } from "./types.ts";

/** GET /v1/epochs/:epoch on the aggregator: its window, receipts so far and post (404 EPOCH_NOT_FOUND throws). */
export async function getEpoch(
  client: AggregatorClient,
  args: { epoch: bigint | number },
): Promise<AggregatorEpoch & Record<string, unknown>> {
  const res = await requestService(client, { path: `v1/epochs/${args.epoch}` });
  if (!isObject(res.body) || typeof res.body.epoch !== "number") throw badResponse(client, res, "not an epoch");
  return res.body as AggregatorEpoch & Record<string, unknown>;
}
