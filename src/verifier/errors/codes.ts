import { type FaultCode, faultCodes } from "../../protocol/audit/faultCodes.ts";

// The fault codes are the audit's (src/protocol/audit/faultCodes.ts, documented in docs/bundle.md).
export { type FaultCode, faultCodes };

/** Codes of errors the verifier's HTTP API answers with (besides the fault codes above). */
export const apiErrorCodes = [
  "REQUEST_INVALID_JSON",
  "REQUEST_INVALID",
  "CURSOR_INVALID",
  "REQUEST_TOO_LARGE",
  "REQUEST_UNSUPPORTED_MEDIA_TYPE",
  "NOT_FOUND",
  "INTERNAL",
  "SERVICE_UNAVAILABLE",
  // paid claims
  "AUTHORIZATION_INVALID",
  "AUTHORIZATION_SIGNER_MISMATCH",
  "AUTHORIZATION_EXPIRED",
  "AUTHORIZATION_NONCE_USED",
  "RELAYER_NOT_ALLOWED",
  "AUTHORIZATION_DUPLICATE",
  "RECIPIENT_ZERO",
  "MAX_FEE_TOO_LOW",
  "TOKEN_NOT_SUPPORTED",
  "LEAF_NOT_FOUND",
  "LEAF_PROOF_INVALID",
  "NOTHING_DUE",
  "CLAIMS_DISABLED",
  // disputes
  "DISPUTE_EPOCH_UNKNOWN",
  "DISPUTE_WINDOW_CLOSED",
  "DISPUTE_MIXED_EPOCHS",
  "DISPUTE_EMPTY",
  // configuration
  "CONFIG_INVALID",
] as const;

export type ApiErrorCode = (typeof apiErrorCodes)[number];
export type VerifierErrorCode = FaultCode | ApiErrorCode;
