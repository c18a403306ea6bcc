import { keccak256 } from "../hash/keccak256.ts";
import type { ClaimAuthorization, Hex, Keccak256 } from "../types.ts";
import { bytesToHex } from "../utils/bytes.ts";
import { encodeClaimAuthorization } from "./encodeClaimAuthorization.ts";

/** The authorization's EIP-712 struct hash (`hashStruct`). */
export function hashClaimAuthorization(authorization: ClaimAuthorization, keccak: Keccak256 = keccak256): Hex {
  return bytesToHex(keccak(encodeClaimAuthorization(authorization)));
}
