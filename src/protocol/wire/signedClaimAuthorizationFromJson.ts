import type { SignedClaimAuthorization } from "../types.ts";
import { claimAuthorizationSpec, decodeSigned, type JsonIssue, throwIfIssues } from "./jsonFields.ts";

/**
 * Strictly decodes a signed claim authorization from parsed JSON. Throws ProtocolError WIRE_INVALID_FIELD whose
 * `field` names the first wrong field (e.g. "authorization.deadline") and whose details list every problem.
 * Unknown fields are refused; hex is lowercased.
 */
export function signedClaimAuthorizationFromJson(value: unknown): SignedClaimAuthorization {
  const issues: JsonIssue[] = [];
  const out = decodeSigned(value, "authorization", claimAuthorizationSpec, "", issues);
  throwIfIssues(issues, "signed claim authorization");
  return out as unknown as SignedClaimAuthorization;
}
