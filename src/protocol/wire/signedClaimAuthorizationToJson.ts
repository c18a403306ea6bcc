import type { SignedClaimAuthorization } from "../types.ts";
import { claimAuthorizationSpec, encodeFields } from "./jsonFields.ts";
import type { ClaimAuthorizationJson, SignedClaimAuthorizationJson } from "./jsonTypes.ts";

/** JSON wire form of a signed claim authorization (see docs/protocol.md "JSON"). */
export function signedClaimAuthorizationToJson(signed: SignedClaimAuthorization): SignedClaimAuthorizationJson {
  return {
    authorization: encodeFields(signed.authorization, claimAuthorizationSpec) as ClaimAuthorizationJson,
    signature: signed.signature,
  };
}
