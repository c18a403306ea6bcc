import type { Address, Hex } from "../protocol/types.ts";
import { badResponse } from "./badResponse.ts";
import { isObject } from "./isObject.ts";
import { requestService } from "./requestService.ts";
import type { AggregatorClient } from "./ServiceClient.ts";
import { toApiError } from "./toApiError.ts";
import type { AggregatorLeaf } from "./types.ts";

/**
 * GET /v1/epochs/:epoch/leaves/:poolId/:account[?hash=]: the account's leaf and proof in that epoch's bundle
 * (`bundleHash` pins the attempt posted with it). Null when it has no leaf there (404 LEAF_NOT_FOUND); any other
 * 404 (EPOCH_NOT_FOUND, BUNDLE_NOT_FOUND) throws.
 */
export async function getEpochLeaf(
  client: AggregatorClient,
  args: { epoch: bigint | number; poolId: Hex; account: Address; bundleHash?: Hex },
): Promise<AggregatorLeaf | null> {
  const res = await requestService(client, {
    path: `v1/epochs/${args.epoch}/leaves/${args.poolId.toLowerCase()}/${args.account.toLowerCase()}`,
    query: { hash: args.bundleHash },
    accept: [404],
  });
  if (res.status === 404) {
    if (isObject(res.body) && res.body.code === "LEAF_NOT_FOUND") return null;
    throw toApiError(client, res, "GET");
  }
  const b = res.body;
  if (!isObject(b) || !isObject(b.leaf) || !Array.isArray(b.proof)) throw badResponse(client, res, "no leaf and proof");
  return b as AggregatorLeaf;
}
