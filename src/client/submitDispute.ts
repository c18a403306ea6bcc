import { badResponse } from "./badResponse.ts";
import { isObject } from "./isObject.ts";
import { requestService } from "./requestService.ts";
import type { VerifierClient } from "./ServiceClient.ts";
import type { DisputeView } from "./types.ts";

/**
 * POST /v1/disputes on the verifier (docs/api.md): `body` in protocol JSON. Resolves with the dispute as recorded (a
 * resubmission of the same one answers the same dispute, so a retry is safe); refusals throw MeshpayApiError with
 * the verifier's code.
 * `epoch` (optional) names the epoch the dispute is about (`?epoch=`).
 */
export async function submitDispute(
  client: VerifierClient,
  args: { body: unknown; epoch?: bigint | number },
): Promise<DisputeView> {
  const res = await requestService(client, {
    method: "POST",
    path: "v1/disputes",
    body: args.body,
    ...(args.epoch !== undefined ? { query: { epoch: args.epoch } } : {}),
  });
  const b = res.body;
  if (!isObject(b) || (typeof b.id !== "string" && typeof b.id !== "number"))
    throw badResponse(client, res, "no dispute id", "POST");
  return { ...b, id: String(b.id) } as DisputeView;
}
