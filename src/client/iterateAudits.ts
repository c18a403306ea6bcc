import { iteratePages } from "./iteratePages.ts";
import { listAudits } from "./listAudits.ts";
import type { VerifierClient } from "./ServiceClient.ts";
import type { VerifierAudit } from "./types.ts";

/** Every audit the verifier lists, newest first, fetched `limit` at a time. */
export function iterateAudits(client: VerifierClient, args: { limit?: number } = {}): AsyncGenerator<VerifierAudit> {
  return iteratePages(
    (cursor) => listAudits(client, { ...(args.limit ? { limit: args.limit } : {}), cursor }),
    (p) => p.posts,
  );
}
