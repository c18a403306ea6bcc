import { ProtocolError } from "../errors/ProtocolError.ts";
import type { Address, MeshpayDomain, SignedClaimAuthorization } from "../types.ts";
import { recoverClaimAuthorizationSigner } from "./recoverClaimAuthorizationSigner.ts";

/** True when the ClaimAuthorization is validly signed by `signer`; false for a refused signature or another signer. */
export function verifyClaimAuthorization(
  signed: SignedClaimAuthorization,
  domain: MeshpayDomain,
  signer: Address,
): boolean {
  try {
    return recoverClaimAuthorizationSigner(signed, domain) === signer.toLowerCase();
  } catch (err) {
    if (err instanceof ProtocolError) return false;
    throw err;
  }
}
