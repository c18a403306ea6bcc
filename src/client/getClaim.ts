import { badResponse } from "./badResponse.ts";
import { isObject } from "./isObject.ts";
import { requestService } from "./requestService.ts";
import type { VerifierClient } from "./ServiceClient.ts";
import type { RelayedClaimView } from "./types.ts";

/** GET /v1/claims/:id on the verifier: the claim's current status (404 NOT_FOUND throws). */
export async function getClaim(client: VerifierClient, args: { id: string }): Promise<RelayedClaimView> {
  const res = await requestService(client, { path: `v1/claims/${encodeURIComponent(args.id)}` });
  const b = res.body;
  if (!isObject(b) || typeof b.status !== "string") throw badResponse(client, res, "no claim status");
  return { ...b, id: String(b.id ?? args.id) } as RelayedClaimView;
}
