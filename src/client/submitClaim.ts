import { badResponse } from "./badResponse.ts";
import { isObject } from "./isObject.ts";
import { requestService } from "./requestService.ts";
import type { VerifierClient } from "./ServiceClient.ts";
import type { RelayedClaimView } from "./types.ts";

/**
 * POST /v1/claims on the verifier (docs/api.md): `body` in protocol JSON. Resolves with the claim as recorded (a
 * resubmission of the same one answers the same claim, so a retry is safe); refusals throw MeshpayApiError with
 * the verifier's code.
 */
export async function submitClaim(client: VerifierClient, args: { body: unknown }): Promise<RelayedClaimView> {
  const res = await requestService(client, {
    method: "POST",
    path: "v1/claims",
    body: args.body,
  });
  const b = res.body;
  if (!isObject(b) || (typeof b.id !== "string" && typeof b.id !== "number"))
    throw badResponse(client, res, "no claim id", "POST");
  return { ...b, id: String(b.id) } as RelayedClaimView;
}
