import { badResponse } from "./badResponse.ts";
import { isObject } from "./isObject.ts";
import { requestService } from "./requestService.ts";
import type { VerifierClient } from "./ServiceClient.ts";
import type { DisputeView } from "./types.ts";

/** GET /v1/disputes/:id on the verifier: the dispute's current status (404 NOT_FOUND throws). */
export async function getDispute(client: VerifierClient, args: { id: string }): Promise<DisputeView> {
  const res = await requestService(client, { path: `v1/disputes/${encodeURIComponent(args.id)}` });
  const b = res.body;
  if (!isObject(b) || typeof b.status !== "string") throw badResponse(client, res, "no dispute status");
  return { ...b, id: String(b.id ?? args.id) } as DisputeView;
}
