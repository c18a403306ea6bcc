import { getClaimAuthorizationDigest } from "../eip712/getClaimAuthorizationDigest.ts";
import { signDigest } from "../signature/signDigest.ts";
import type { ClaimAuthorization, Hex, MeshpayDomain, SignedClaimAuthorization } from "../types.ts";

/** Signs a ClaimAuthorization (EIP-712, domain "meshpay" v1) with `privateKey`; signed by the relay operator. */
export function signClaimAuthorization(
  authorization: ClaimAuthorization,
  domain: MeshpayDomain,
  privateKey: Hex,
  form: "65" | "64" = "65",
): SignedClaimAuthorization {
  return { authorization, signature: signDigest(getClaimAuthorizationDigest(authorization, domain), privateKey, form) };
}
