import type { Hex } from "../protocol/types.ts";
import { requestService } from "./requestService.ts";
import type { VerifierClient } from "./ServiceClient.ts";

/** GET /v1/evidence/:hash: the exact bytes of an evidence document (the caller checks keccak256 against `hash`). */
export async function getEvidence(
  client: VerifierClient,
  args: { documentHash: Hex },
): Promise<{ url: string; bytes: Uint8Array }> {
  const res = await requestService(client, {
    path: `v1/evidence/${args.documentHash.toLowerCase()}`,
    headers: { accept: "application/json, application/octet-stream" },
    binary: true,
  });
  return { url: res.url, bytes: res.bytes ?? new TextEncoder().encode(res.text) };
}
