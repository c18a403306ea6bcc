import type { MeshpayApiError } from "../../client/MeshpayApiError.ts";
import { CliError } from "./CliError.ts";

/**
 * A typed client's error (src/client) as the CLI reports it: SERVICE_UNREACHABLE (exit 3) when the service gave no
 * answer or none in time, SERVICE_REFUSED (exit 4) for a 4xx, SERVICE_ERROR (exit 1) for a 5xx or an answer that is
 * not what the API documents. The service's own `{ code, message }` is carried in the message and `data`.
 */
export function apiErrorToCliError(err: MeshpayApiError): CliError {
  const data = { service: err.service, url: err.url, status: err.status, code: err.code, retryable: err.retryable };
  if (err.status === null)
    return new CliError("SERVICE_UNREACHABLE", err.shortMessage, {
      cause: err,
      data,
      hint: `Is the ${err.service} running at that address?`,
    });
  const code = err.status >= 400 && err.status < 500 ? "SERVICE_REFUSED" : "SERVICE_ERROR";
  return new CliError(code, err.shortMessage, { cause: err, data });
}
