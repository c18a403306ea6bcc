/**
 * Reasons `validateReceipt` refuses a receipt. Stable strings: clients, the
 * aggregator's HTTP API and stored rejections depend on them.
 */
export const receiptValidationCodes = [
  "RECEIPT_MALFORMED",
  "RECEIPT_BAD_SIGNATURE",
  "RECEIPT_SIGNER_NOT_VIEWER",
  "RECEIPT_TICKET_MISMATCH",
  "TICKET_BAD_SIGNER",
  "RECEIPT_OUTSIDE_TICKET_WINDOW",
  "RECEIPT_OVER_MAX_BYTES",
  "RECEIPT_DUPLICATE",
  "EPOCH_CLOSED",
  "POOL_UNKNOWN",
  "RECEIPT_POOL_MISMATCH",
] as const;

/** Codes of signature parsing and recovery failures. */
export const signatureErrorCodes = [
  "SIGNATURE_MALFORMED",
  "SIGNATURE_HIGH_S",
  "SIGNATURE_BAD_V",
  "SIGNATURE_BAD_RS",
  "SIGNATURE_UNRECOVERABLE",
] as const;

/** Codes of wire-format (JSON and binary) decoding failures. */
export const wireErrorCodes = [
  "WIRE_INVALID_FIELD",
  "WIRE_TRUNCATED",
  "WIRE_TRAILING_BYTES",
  "WIRE_UNKNOWN_VERSION",
] as const;

/** Codes of argument errors in epoch, reward and tree helpers. */
export const argumentErrorCodes = ["INVALID_ARGUMENT", "PUBLIC_KEY_MISMATCH"] as const;

/** Codes of epoch bundle parsing failures (docs/bundle.md). */
export const bundleErrorCodes = ["BUNDLE_MALFORMED"] as const;

/** Every code a `ProtocolError` can carry. */
export const protocolErrorCodes = [
  ...receiptValidationCodes,
  ...signatureErrorCodes,
  ...wireErrorCodes,
  ...argumentErrorCodes,
  ...bundleErrorCodes,
] as const;

export type ReceiptValidationCode = (typeof receiptValidationCodes)[number];
export type SignatureErrorCode = (typeof signatureErrorCodes)[number];
export type WireErrorCode = (typeof wireErrorCodes)[number];
export type BundleErrorCode = (typeof bundleErrorCodes)[number];
export type ProtocolErrorCode = (typeof protocolErrorCodes)[number];
