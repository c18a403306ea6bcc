import { keccak256 } from "../hash/keccak256.ts";
import type { ClaimAuthorization, Hex, Keccak256, MeshpayDomain } from "../types.ts";
import { getDomainSeparator } from "./getDomainSeparator.ts";
import { getTypedDataDigest } from "./getTypedDataDigest.ts";
import { hashClaimAuthorization } from "./hashClaimAuthorization.ts";

/** EIP-712 digest of a claim authorization (what the relay operator signs). */
export function getClaimAuthorizationDigest(
  authorization: ClaimAuthorization,
  domain: MeshpayDomain,
  keccak: Keccak256 = keccak256,
): Hex {
  return getTypedDataDigest(getDomainSeparator(domain, keccak), hashClaimAuthorization(authorization, keccak), keccak);
}
