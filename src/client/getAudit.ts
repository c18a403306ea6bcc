import { badResponse } from "./badResponse.ts";
import { isObject } from "./isObject.ts";
import { requestService } from "./requestService.ts";
import type { VerifierClient } from "./ServiceClient.ts";
import type { VerifierAudit } from "./types.ts";

/** GET /v1/epochs/:epoch on the verifier: its audit of the epoch's latest post (404 NOT_FOUND throws). */
export async function getAudit(client: VerifierClient, args: { epoch: bigint | number }): Promise<VerifierAudit> {
  const res = await requestService(client, { path: `v1/epochs/${args.epoch}` });
  if (!isObject(res.body) || !("audit" in res.body)) throw badResponse(client, res, "not an audit");
  return res.body as VerifierAudit;
}
