import type { ClaimAuthorization } from "../types.ts";
import { claimAuthorizationSpec, encodeFields } from "./jsonFields.ts";
import type { ClaimAuthorizationJson } from "./jsonTypes.ts";

/** JSON wire form of an unsigned claim authorization. */
export function claimAuthorizationToJson(value: ClaimAuthorization): ClaimAuthorizationJson {
  return encodeFields(value, claimAuthorizationSpec) as ClaimAuthorizationJson;
}
