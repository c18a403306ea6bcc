import { MeshpayApiError } from "./MeshpayApiError.ts";
import type { ServiceResponse } from "./requestService.ts";
import type { ServiceClient } from "./ServiceClient.ts";

/** MeshpayApiError BAD_RESPONSE: a 2xx answer that is not what docs/api.md documents (retryable: a proxy, a restart). */
export function badResponse(
  client: ServiceClient,
  res: ServiceResponse,
  what: string,
  method: "GET" | "POST" = "GET",
): MeshpayApiError {
  return new MeshpayApiError({
    code: "BAD_RESPONSE",
    shortMessage: `The ${client.service}'s answer is unusable: ${what}.`,
    service: client.service,
    method,
    url: res.url,
    status: res.status,
    retryable: true,
    body: res.body,
    responseText: res.text.slice(0, 65_536),
  });
}
