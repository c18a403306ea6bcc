import { getClaimAuthorizationDigest } from "../eip712/getClaimAuthorizationDigest.ts";
import { recoverAddress } from "../signature/recoverAddress.ts";
import type { Address, MeshpayDomain, SignedClaimAuthorization } from "../types.ts";

/**
 * Address that signed a ClaimAuthorization (lowercase). Throws ProtocolError SIGNATURE_* when the signature is refused.
 */
export function recoverClaimAuthorizationSigner(signed: SignedClaimAuthorization, domain: MeshpayDomain): Address {
  return recoverAddress(getClaimAuthorizationDigest(signed.authorization, domain), signed.signature);
}
