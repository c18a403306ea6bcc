import { CLAIM_AUTHORIZATION_TYPEHASH } from "../constants.ts";
import type { ClaimAuthorization } from "../types.ts";
import { hexToBytes, writeHex, writeUint } from "../utils/bytes.ts";

const TYPEHASH = hexToBytes(CLAIM_AUTHORIZATION_TYPEHASH, 32, "typehash");

/** Byte length of a ClaimAuthorization's EIP-712 `typeHash ‖ encodeData` (7 words). */
export const CLAIM_AUTHORIZATION_ENCODED_LENGTH = 7 * 32;

/** Writes EIP-712 `typeHash ‖ encodeData(authorization)` (224 bytes) into `out`. */
export function encodeClaimAuthorization(
  authorization: ClaimAuthorization,
  out: Uint8Array = new Uint8Array(CLAIM_AUTHORIZATION_ENCODED_LENGTH),
): Uint8Array {
  out.fill(0, 0, CLAIM_AUTHORIZATION_ENCODED_LENGTH);
  out.set(TYPEHASH, 0);
  writeHex(out, 32, authorization.poolId, 32, "poolId");
  writeHex(out, 64 + 12, authorization.account, 20, "account");
  writeHex(out, 96 + 12, authorization.recipient, 20, "recipient");
  writeUint(out, 128, authorization.maxFee, 32, "maxFee");
  writeUint(out, 160, authorization.nonce, 32, "nonce");
  writeUint(out, 192 + 24, authorization.deadline, 8, "deadline");
  return out;
}
