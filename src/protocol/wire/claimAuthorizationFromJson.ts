import type { ClaimAuthorization } from "../types.ts";
import { claimAuthorizationSpec, decodeFields, type JsonIssue, throwIfIssues } from "./jsonFields.ts";

/** Strictly decodes an unsigned claim authorization from parsed JSON; throws WIRE_INVALID_FIELD naming the field. */
export function claimAuthorizationFromJson(value: unknown): ClaimAuthorization {
  const issues: JsonIssue[] = [];
  const out = decodeFields(value, claimAuthorizationSpec, "authorization", issues);
  throwIfIssues(issues, "claim authorization");
  return out as unknown as ClaimAuthorization;
}
