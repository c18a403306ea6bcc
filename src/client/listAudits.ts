import { badResponse } from "./badResponse.ts";
import { isObject } from "./isObject.ts";
import { requestService } from "./requestService.ts";
import type { VerifierClient } from "./ServiceClient.ts";
import type { AuditList, PageQuery } from "./types.ts";

/** GET /v1/epochs?limit=&cursor= on the verifier: one page of its audits of posted roots, newest first. */
export async function listAudits(client: VerifierClient, args: PageQuery = {}): Promise<AuditList> {
  const res = await requestService(client, { path: "v1/epochs", query: { limit: args.limit, cursor: args.cursor } });
  const b = res.body;
  if (!isObject(b) || !Array.isArray(b.posts)) throw badResponse(client, res, "no posts list");
  return { posts: b.posts as AuditList["posts"], nextCursor: typeof b.nextCursor === "string" ? b.nextCursor : null };
}
